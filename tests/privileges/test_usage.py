"""Granted versus used on a real Neo4j: AWS, GCP and Kubernetes usage inputs in their real shapes, one load.

The snapshot (usage_support.py) plants unused keys, an unused admin role, principals using a sliver of their
grants, and principals without any usage data, which must read "not collected" and never "unused".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from analysis.privileges import usage
from analysis.privileges.aws import effective_permissions
from analysis.privileges.creep import gained_not_used
from analysis.privileges.usage_policy import propose_aws_policy, smallest_role
from api.app import create_app
from appdb import keys as apikeys
from cli.privileges_cmd import app as privileges_cli
from config import set_settings
from graph import driver
from pipeline.run import ingest_snapshot
from tests.conftest import _wipe, wipe_app_db
from tests.integration.gcp.gcp_support import ORG
from tests.privileges.conftest import arn
from tests.privileges.usage_support import CI, CI_KEY, usage_snapshot


@pytest.fixture(scope="module")
def doc(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    set_settings(None)
    _wipe()
    wipe_app_db()
    report = ingest_snapshot(usage_snapshot(tmp_path_factory.mktemp("usage")))
    statuses = {m.name: m.status.value for m in report.modules}
    assert statuses["aws.iam.credential_report"] == "ok", report.modules
    assert statuses["gcp.iam_usage"] == "ok" and statuses["k8s.audit_log"] == "ok"
    yield usage.report()


def by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in doc["principals"]}


def creds(p: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {c["id"]: (c["type"], c["status"]) for c in p["credentials"]}


def test_aws_granted_vs_used(doc: dict[str, Any]) -> None:
    ps = by_id(doc)
    alice = ps[arn("user", "alice")]
    assert alice["status"] == "collected" and alice["admin"] and alice["unit"] == "services"
    assert alice["window_days"] == 90 and alice["tracking_days"] == 400
    assert alice["used"] == 1 and alice["ratio"] < 0.10  # one service of every service "*" reaches
    unused = {u["permission"] for u in alice["unused"]}
    assert {"ec2", "iam", "s3:PutObject"} <= unused and "s3" not in unused and "s3:GetObject" not in unused
    assert creds(alice) == {
        "AKIAALICEOLD0000000A": ("access_key", "unused"),  # last used 2026-03-01 (get-access-key-last-used)
        arn("user", "alice"): ("password", "used"),  # console 2026-11-10 (credential report)
    }
    assert alice["last_activity"].startswith("2026-11-10") and not alice["principal_unused"]
    # bob: no last-used file for his key; the credential report's slot 1 (rotated when the key was created)
    bob = ps[arn("user", "bob")]
    assert bob["status"] == "credentials only" and creds(bob) == {
        "AKIABOBNEVER0000000B": ("access_key", "unused")
    }
    assert bob["credentials"][0]["evidence"] == "credential report" and bob["principal_unused"]
    # carol: nothing collected — never unused
    carol = ps[arn("user", "carol")]
    assert carol["status"] == "not collected" and not carol["principal_unused"] and carol["unused"] == []
    assert (
        creds(carol) == {"AKIACAROLUNKNOWN000C": ("access_key", "not collected")} and carol["ratio"] is None
    )
    admin_role = ps[arn("role", "admin-unused")]
    assert admin_role["principal_unused"] and admin_role["admin"] and admin_role["ratio"] == 0
    assert admin_role["proposed_policy"] is None and admin_role["last_activity"] is None
    fresh = ps[arn("role", "fresh")]  # created 19 days before the run: not "unused for 90 days"
    assert fresh["status"] == "collected" and not fresh["principal_unused"] and fresh["unused"] == []
    assert ps[arn("role", "nodata")]["status"] == "not collected"
    assert not ps[arn("role", "nodata")]["principal_unused"]
    # Most over-privileged first: collected admins with the lowest ratio lead the list.
    assert doc["principals"][0]["admin"] and doc["principals"][0]["ratio"] == 0
    assert doc["principals"][-1]["status"] == "not collected"


def test_proposed_policy_is_accepted_and_grants_exactly_what_was_used(doc: dict[str, Any]) -> None:
    app = by_id(doc)[arn("role", "app")]
    assert app["used"] == 1 and app["granted"] == 2 and app["ratio"] == 0.5
    assert {u["permission"] for u in app["unused"]} == {"sqs", "s3:PutObject"}
    policy = app["proposed_policy"]
    assert policy["Statement"] == [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::data/*", "Sid": "Used0"}
    ]
    granted = effective_permissions([policy])
    assert [(e.action, e.resource) for e in granted.entries] == [("s3:getobject", "arn:aws:s3:::data/*")]
    assert granted.allows("s3:GetObject", "arn:aws:s3:::data/x") is True
    assert granted.allows("s3:PutObject", "arn:aws:s3:::data/x") is False
    assert granted.allows("s3:GetObject", "arn:aws:s3:::other/x") is False
    # alice: admin, used s3:GetObject only (action-level) -> exactly that action, on "*" as granted
    alice = effective_permissions([by_id(doc)[arn("user", "alice")]["proposed_policy"]])
    assert [(e.action, e.resource) for e in alice.entries] == [("s3:getobject", "*")]


def test_policy_proposal_keeps_conditions_exceptions_and_service_level_use() -> None:
    current = effective_permissions(
        [
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "ec2:*",
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
                    },
                    {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"},
                ],
            }
        ]
    )
    policy = propose_aws_policy({"ec2:*", "s3:getobject"}, current, {"s3:getobject": "s3:GetObject"})
    assert policy is not None
    again = effective_permissions([policy])
    assert again.allows("s3:GetObject", "arn:aws:s3:::secret/a") is False
    assert again.allows("s3:GetObject", "arn:aws:s3:::open/a") is True
    assert again.allows("ec2:RunInstances", "*") == "conditional"
    assert again.allows("iam:PassRole", "*") is False
    assert (
        smallest_role({"a", "b"}, {"big": frozenset("abc"), "small": frozenset("ab"), "no": frozenset("a")})
        == "small"
    )


def test_creep_gained_and_not_used_since() -> None:
    report = [
        {"ServiceNamespace": "s3", "LastAuthenticated": "2026-11-19T00:00:00+00:00"},
        {"ServiceNamespace": "ec2", "LastAuthenticated": "2026-01-01T00:00:00+00:00"},
        {"ServiceNamespace": "iam"},
    ]
    since = datetime(2026, 11, 1)
    gained = ["ec2:runinstances on *", "iam:passrole on *", "s3:getobject on arn:aws:s3:::b/*", "* on *"]
    assert gained_not_used(gained, report, since) == ["ec2:runinstances on *", "iam:passrole on *"]
    assert gained_not_used(["* on *"], report[1:], since) == ["* on *"]


def test_gcp_insights_and_activity(doc: dict[str, Any]) -> None:
    ps = by_id(doc)
    ci = ps[f"{ORG}/serviceAccount:{CI}"]
    assert ci["status"] == "collected" and ci["admin"] and ci["unit"] == "permissions"
    assert (ci["granted"], ci["used"]) == (6000, 2) and ci["ratio"] < 0.10
    assert ci["tracking_days"] == 90 and ci["window_days"] == 90
    assert ci["proposed_roles"] == [
        {
            "role": "roles/editor",
            "resource": "//cloudresourcemanager.googleapis.com/projects/418273645020",
            "used": "2 of 6000 permissions used",
            "proposal": "roles/storage.objectViewer",
        }
    ]
    assert ci["last_activity"].startswith("2026-11-19") and not ci["principal_unused"]
    assert creds(ci) == {CI_KEY: ("service_account_key", "unused")}  # last authenticated 2026-05-01
    alice = ps[f"{ORG}/user:alice@example.com"]
    assert alice["principal_unused"] and alice["proposed_roles"][0]["proposal"] == "remove the binding"
    runner = ps[f"{ORG}/serviceAccount:app-runner@acme-prod.iam.gserviceaccount.com"]
    # No insight, but Activity Analyzer (both files) covers it: no authentication in the window
    assert runner["status"] == "collected" and runner["principal_unused"] and runner["last_activity"] is None
    bob = ps[f"{ORG}/user:bob@example.com"]
    assert bob["status"] == "not collected" and not bob["principal_unused"]


def test_kubernetes_audit_log(doc: dict[str, Any]) -> None:
    ps = by_id(doc)
    node = ps["prod-eks/ServiceAccount/kube-system/aws-node"]
    assert node["status"] == "collected" and node["unit"] == "rules" and node["window_days"] == 18
    assert node["used"] == 1 and node["granted"] > 1 and not node["principal_unused"]
    assert "API-server audit log 2026-11-01 to 2026-11-19" in node["evidence"]
    support = ps["prod-eks/Group/support"]
    assert support["principal_unused"] and support["used"] == 0
    dev = ps["prod-eks/User/dev@example.com"]
    assert dev["last_activity"].startswith("2026-11-18T10:00")  # the denied delete does not count
    assert not dev["principal_unused"]


def test_nodes_carry_what_the_controls_read(doc: dict[str, Any]) -> None:
    keys = {
        r["id"]: (r["status"], r["evidence"])
        for r in driver.read(
            "MATCH (k) WHERE k:AccountAccessKey OR k:GCPServiceAccountKey "
            "RETURN k.id AS id, k.usage_status AS status, k.usage_evidence AS evidence"
        )
    }
    assert keys["AKIAALICEOLD0000000A"] == ("unused", "get-access-key-last-used")
    assert keys["AKIACAROLUNKNOWN000C"] == ("not collected", None)
    assert keys[CI_KEY][0] == "unused"
    [row] = driver.read(
        "MATCH (r:AWSRole {name: 'admin-unused'}) RETURN r.usage_status AS s, r.usage_ratio AS ratio, "
        "r.usage_unused AS unused"
    )
    assert row == {"s": "collected", "ratio": 0.0, "unused": True}


def test_cli_and_api(doc: dict[str, Any]) -> None:
    client = TestClient(create_app(), raise_server_exceptions=False)
    full = {"Authorization": f"Bearer {apikeys.create_key('usage-viewer', 'viewer')[1]}"}
    assert client.get("/api/v1/privileges/usage").status_code == 401
    got = client.get("/api/v1/privileges/usage", headers=full)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["counts"] == doc["counts"] and len(body["principals"]) == len(doc["principals"])
    assert body["principals"][0]["id"] == doc["principals"][0]["id"]
    one = client.get(
        "/api/v1/privileges/usage", params={"principal": arn("role", "app"), "unused_days": 30}, headers=full
    ).json()
    assert [p["id"] for p in one["principals"]] == [arn("role", "app")] and one["unused_days"] == 30
    assert one["principals"][0]["window_days"] == 30
    assert client.get("/api/v1/privileges/usage", params={"unused_days": 0}, headers=full).status_code == 422
    assert client.get("/api/v1/privileges/usage", params={"bogus": 1}, headers=full).status_code == 422
    scoped = apikeys.create_key("usage-k8s", "viewer", scopes=apikeys.Scopes(clusters=("prod-eks",)))[1]
    only = client.get("/api/v1/privileges/usage", headers={"Authorization": f"Bearer {scoped}"}).json()
    assert only["principals"] and {p["scope"] for p in only["principals"]} == {"prod-eks"}
    cli = CliRunner()
    out = cli.invoke(privileges_cli, ["usage", "--format", "json", "--principal", arn("role", "app")])
    assert out.exit_code == 0 and json.loads(out.stdout)["principals"][0]["proposed_policy"]
    out = cli.invoke(privileges_cli, ["usage", "--format", "csv", "--unused-days", "400"])
    assert out.exit_code == 0 and out.stdout.startswith("principal,kind,scope,admin,used / granted")
    assert arn("role", "admin-unused") in out.stdout
    out = cli.invoke(privileges_cli, ["usage"], env={"COLUMNS": "200"})
    assert out.exit_code == 0 and "UNUSED" in out.stdout and "not collected" in out.stdout
    assert cli.invoke(privileges_cli, ["usage", "--principal", "nobody"]).exit_code == 1


def test_summaries_are_stored_only_when_they_change(doc: dict[str, Any], tmp_path: Path) -> None:
    first = driver.read("MATCH (r:PrincipalUsage) RETURN count(r) AS n")[0]["n"]
    assert first == len(doc["principals"])
    ingest_snapshot(usage_snapshot(tmp_path / "again"))
    assert driver.read("MATCH (r:PrincipalUsage) RETURN count(r) AS n")[0]["n"] == first
    la = tmp_path / "again" / "aws" / "111122223333" / "global" / "iam" / "get-access-key-last-used"
    (la / "AKIAALICEOLD0000000A.json").write_text(
        json.dumps(
            {
                "UserName": "alice",
                "AccessKeyLastUsed": {
                    "LastUsedDate": "2026-11-19T09:00:00+00:00",
                    "ServiceName": "s3",
                    "Region": "us-east-1",
                },
            }
        )
    )
    ingest_snapshot(tmp_path / "again")
    rows = driver.read(
        "MATCH (r:PrincipalUsage) WITH r.principal_id AS id, count(r) AS n WHERE n > 1 RETURN id, n"
    )
    assert rows == [{"id": arn("user", "alice"), "n": 2}]
    assert (
        by_id(usage.report(principal=arn("user", "alice")))[arn("user", "alice")]["credentials"][0]["status"]
        == "used"
    )
