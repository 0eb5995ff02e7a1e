"""The live collector writes the organization files ingest reads: moto (server mode) holds an organization
with an OU, an account and an SCP; collect_aws → snapshot folder → ingest_snapshot → graph."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from analysis.privileges.steps import STEP as PRIVILEGES_STEP
from graph import driver
from history import post_ingest
from ingest import registry
from ingest.aws.collect import collect_aws
from pipeline.run import ingest_snapshot

REGION = "us-east-1"


@pytest.fixture()
def moto_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/invgraph-test-aws-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/invgraph-test-aws-credentials")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_collector_writes_the_organization_files_ingest_reads(
    moto_url: str, neo4j: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = boto3.client("organizations", endpoint_url=moto_url, region_name=REGION)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    ou = org.create_organizational_unit(ParentId=root, Name="Prod")["OrganizationalUnit"]["Id"]
    member = org.create_account(Email="prod@acme.example", AccountName="acme-prod")["CreateAccountStatus"]
    member_id = member["AccountId"]
    org.move_account(AccountId=member_id, SourceParentId=root, DestinationParentId=ou)
    content = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}
    scp = org.create_policy(
        Content=json.dumps(content), Description="no IAM", Name="DenyIam", Type="SERVICE_CONTROL_POLICY"
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=scp, TargetId=ou)

    out = tmp_path / "snap"
    report = collect_aws(out, regions=[REGION], endpoint_url=moto_url)
    errors = [e for e in report.errors if e.service == "organizations"]
    assert errors == []
    mgmt = report.accounts[0]
    base = out / "aws" / mgmt / "global" / "organizations"
    written = {str(p.relative_to(base)) for p in base.rglob("*.json")}
    assert {
        "describe-organization.json",
        "list-roots.json",
        f"list-organizational-units-for-parent/{root}.json",
        f"list-organizational-units-for-parent/{ou}.json",
        f"list-accounts-for-parent/{root}.json",
        f"list-accounts-for-parent/{ou}.json",
        "list-policies/SERVICE_CONTROL_POLICY.json",
        f"describe-policy/{scp}.json",
        f"list-targets-for-policy/{scp}.json",
    } <= written

    monkeypatch.setattr(registry, "k8s_modules", lambda: [])
    monkeypatch.setattr(registry, "gcp_modules", lambda: [])
    monkeypatch.setattr(post_ingest, "STEPS", [PRIVILEGES_STEP])
    run = ingest_snapshot(out)
    statuses = {m["name"]: m["status"] for m in run.as_json()["modules"] if m["name"] == "aws.organizations"}
    assert statuses == {"aws.organizations": "ok"}
    rows = driver.read(
        "MATCH (p:AWSServiceControlPolicy {name: 'DenyIam'})-[:APPLIES_TO]->(o:AWSOrganizationalUnit)"
        "<-[:PARENT]-(a:AWSAccount) RETURN o.name AS ou, a.id AS account"
    )
    assert [(r["ou"], r["account"]) for r in rows] == [("Prod", member_id)]
