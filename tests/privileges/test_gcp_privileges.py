"""GCP effective permissions and creep from the hand-written org snapshot (EXPECTED.json), on a real Neo4j."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from analysis.privileges.creep import creep, creep_section, show
from analysis.privileges.steps import LAST_REPORT
from analysis.privileges.steps import STEP as PRIVILEGES_STEP
from api.app import create_app
from appdb import keys as apikeys
from cli.privileges_cmd import app as privileges_cli
from graph import driver
from history import post_ingest
from ingest import registry
from pipeline.run import ingest_snapshot
from tests.integration.gcp.gcp_support import FIXTURES, ORG, make_snapshot, project_snapshot, statuses

EXPECTED = json.loads((FIXTURES / "EXPECTED.json").read_text())
FOLDER = "folders/418273645019"
CI_EMAIL = "ci-deployer@acme-prod.iam.gserviceaccount.com"
CI_ID, APP_ID = "118273645501928374650", "104857392017465839201"
CI_SA = f"projects/acme-prod/serviceAccounts/{CI_EMAIL}"


def pid(member: str, scope: str = ORG) -> str:
    return f"{scope}/{member}"


@pytest.fixture()
def gcp_step(neo4j: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty graph, only the GCP modules and only the privileges step (other work must not interfere)."""
    monkeypatch.setattr(registry, "aws_modules", lambda: [])
    monkeypatch.setattr(registry, "k8s_modules", lambda: [])
    monkeypatch.setattr(post_ingest, "STEPS", [PRIVILEGES_STEP])
    yield neo4j


def _sa_flags(node_id: str) -> tuple[Any, Any]:
    row = driver.read(
        "MATCH (s:GCPServiceAccount {id: $id}) RETURN s.admin_equivalent AS a, s.escalation_paths AS e",
        {"id": node_id},
    )[0]
    return row["a"], row["e"]


def test_expected_privileges_and_creep(gcp_step: str, tmp_path: Path) -> None:
    day1 = ingest_snapshot(make_snapshot(tmp_path / "d1", "day1"))
    assert LAST_REPORT[0].scopes["gcp"] == [ORG]

    # EXPECTED.json "privileges".
    ci = show(pid(f"serviceAccount:{CI_EMAIL}"))
    assert (
        "roles/editor on projects/acme-prod" in ci["entries"] and ci["admin"] and ci["kind"] == "gcp-member"
    )
    assert _sa_flags(CI_ID) == (True, [])
    alice = show(pid("user:alice@example.com"))
    assert f"roles/iam.serviceAccountTokenCreator on {CI_SA}" in alice["entries"]
    assert "escalation:roles/iam.serviceAccountTokenCreator" in alice["escalations"]
    bob = show(pid("user:bob@example.com"))
    [storage_admin] = [e for e in bob["entries"] if e.startswith("roles/storage.admin")]
    assert storage_admin.startswith("roles/storage.admin on buckets/acme-crown-jewels (if {")
    assert "until year end" in storage_admin
    runner_sa = show(pid("serviceAccount:app-runner@acme-prod.iam.gserviceaccount.com"))
    assert runner_sa["entries"] == ["roles/storage.objectViewer on buckets/acme-crown-jewels"]
    assert not runner_sa["admin"] and _sa_flags(APP_ID) == (False, [])
    assert show(pid("allUsers"))["escalations"] == ["public-member"]
    sre = show(pid("group:sre@example.com"))["entries"]
    assert f"roles/viewer on projects/acme-prod (via {FOLDER})" in sre
    assert not any("acme-dev" in e for e in sre)

    # EXPECTED.json "creep": eve is owner of the folder and, inherited, of acme-prod — not of acme-dev.
    day2 = ingest_snapshot(make_snapshot(tmp_path / "d2", "day2"))
    doc = creep()
    assert (doc["from"], doc["to"]) == (day1.run_id, day2.run_id)
    [eve] = doc["principals"]
    [planted] = EXPECTED["creep"]
    assert eve["id"] == pid(planted["principal"]) and eve["name"] == planted["principal"]
    assert (eve["status"], eve["admin_before"], eve["admin_after"], eve["lost"]) == ("added", False, True, [])
    assert f"{planted['role']} on {FOLDER}" in eve["gained"]
    for project in planted["inherited_by"]:
        assert f"roles/owner on projects/{project} (via {FOLDER})" in eve["gained"]
    assert not any("acme-dev" in g for g in eve["gained"])
    assert creep_section()["counts"]["newly_admin"] == 1
    assert creep(scope=ORG, kind="gcp-member")["principals"] == [eve]
    assert creep(kind="aws-user")["principals"] == []

    # API.
    client = TestClient(create_app(), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {apikeys.create_key('gcp-privileges', 'viewer')[1]}"}
    r = client.get("/api/v1/privileges/creep?kind=gcp-member", headers=headers)
    assert r.status_code == 200, r.text
    [served] = r.json()["principals"]
    # The API adds the usage view (issue 21); this snapshot holds no usage input, so both are null.
    assert served.pop("unused_services") is None and served.pop("gained_unused") is None and served == eve
    r = client.get(f"/api/v1/privileges/{eve['id']}", headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["admin"] and r.json()["since_run"] == day2.run_id

    # CLI.
    cli = CliRunner()
    out = cli.invoke(privileges_cli, ["creep", "--format", "json"])
    assert out.exit_code == 0 and json.loads(out.stdout) == doc
    out = cli.invoke(privileges_cli, ["creep", "--format", "markdown"])
    assert (
        out.exit_code == 0 and "user:eve@example.com (gcp-member" in out.stdout and "now admin" in out.stdout
    )
    assert f"roles/owner on projects/acme-prod (via {FOLDER})" in out.stdout
    out = cli.invoke(privileges_cli, ["show", eve["id"]])
    assert out.exit_code == 0 and f"roles/owner on {FOLDER}" in out.stdout


def test_missing_iam_policy_file_is_not_lost_everything(gcp_step: str, tmp_path: Path) -> None:
    day1 = ingest_snapshot(make_snapshot(tmp_path / "d1", "day1"))
    gap = make_snapshot(tmp_path / "d2", "day2")
    (gap / "gcp" / ORG / "cloudasset" / "iam-policy.json").unlink()
    day2 = ingest_snapshot(gap)
    assert statuses(day2)[f"{ORG} gcp.policy_bindings"] == "not collected"
    # The bindings stay in the graph, so the scope reads the same grants: nothing changed, nothing lost.
    assert LAST_REPORT[0].changed == 0 and LAST_REPORT[0].removed == 0
    assert creep(day1.run_id, day2.run_id)["principals"] == []

    day3 = ingest_snapshot(make_snapshot(tmp_path / "d3", "day2", collected_at="2026-11-22T06:00:00Z"))
    got = creep(day2.run_id, day3.run_id)["principals"]
    assert [p["name"] for p in got] == ["user:eve@example.com"] and got[0]["lost"] == []


def test_project_scope_and_nested_basic_roles(gcp_step: str, tmp_path: Path) -> None:
    """Project scans: ids ``<project>/<member>``. Alice's owner role is replaced by editor: owner is lost,
    editor is not "gained" (owner already held every editor permission). ci-deployer loses its only grant:
    a "changed" record with nothing left, and its node is no longer admin-equivalent."""
    ingest_snapshot(project_snapshot(tmp_path / "p1", {"acme-prod": "502837461928"}))
    ci = show(pid(f"serviceAccount:{CI_EMAIL}", "acme-prod"))
    assert ci["scope"] == "acme-prod" and "roles/editor on projects/acme-prod" in ci["entries"]
    assert _sa_flags(CI_ID)[0] is True

    def demote_alice(project: str, content_type: str, assets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for a in assets:
            for b in (a.get("iamPolicy") or {}).get("bindings", []):
                if b["role"] == "roles/owner":
                    b["members"] = [m for m in b["members"] if m != "user:alice@example.com"]
                if b["role"] == "roles/editor" and a["name"].endswith("projects/502837461928"):
                    b["members"] = [m for m in b["members"] if CI_EMAIL not in m]
                    b["members"].append("user:alice@example.com")
        return assets

    ingest_snapshot(
        project_snapshot(
            tmp_path / "p2", {"acme-prod": "502837461928"}, "2026-11-21T06:00:00Z", edit=demote_alice
        )
    )
    got = {p["name"]: p for p in creep()["principals"]}
    assert set(got) == {"user:alice@example.com", f"serviceAccount:{CI_EMAIL}"}
    alice, ci_now = got["user:alice@example.com"], got[f"serviceAccount:{CI_EMAIL}"]
    assert (ci_now["name"], ci_now["status"], ci_now["admin_after"]) == (
        f"serviceAccount:{CI_EMAIL}",
        "changed",
        False,
    )
    assert ci_now["gained"] == [] and "roles/editor on projects/acme-prod" in ci_now["lost"]
    assert _sa_flags(CI_ID)[0] is False
    assert alice["gained"] == [] and "roles/owner on projects/acme-prod" in alice["lost"]
    assert all(e.startswith("roles/owner on ") for e in alice["lost"])
    assert alice["admin_before"] and alice["admin_after"]
