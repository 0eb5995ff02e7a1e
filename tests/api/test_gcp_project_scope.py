"""Keys scoped to one GCP project, on real data: the hand-written GCP organization snapshot (two projects,
`gcloud asset list --organization` shapes) ingested for real (history and post-ingest steps) on day 1, then a
day 2 with one change in each project besides the snapshot's own folder-level change (eve's owner binding).

Day-1 records are rewritten the way runs before project scoping stored them (change records scoped by the
organization, permission records without ``project``), so the tests also show that old records still load.
Expected sets come from the graph and the unscoped key's answers; only the two project ids, the organization
and the assets the day-2 edit touches are named.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from appdb import keys as apikeys
from config import set_settings
from graph import driver
from ingest import registry
from pipeline.run import ingest_snapshot
from queries import catalogue, findings
from queries import runner as controls_runner
from tests.conftest import _wipe, wipe_app_db

SNAPSHOTS = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten-gcp"
ORG, PROD, DEV = "734561238901", "acme-prod", "acme-dev"
FIREWALL = "projects/acme-prod/global/firewalls/allow-rdp-disabled"
APP_RUNNER = "serviceAccount:app-runner@acme-prod.iam.gserviceaccount.com"
CI_DEPLOYER = "serviceAccount:ci-deployer@acme-prod.iam.gserviceaccount.com"
DEV_BUILDER = "serviceAccount:dev-builder@acme-dev.iam.gserviceaccount.com"
EVE = "user:eve@example.com"
FOLDER_OWNER = "//cloudresourcemanager.googleapis.com/folders/418273645019_roles/owner"


class World:
    def __init__(self, client: TestClient, keys: dict[str, str], runs: list[str]) -> None:
        self.client, self.keys, self.runs = client, keys, runs

    def get(self, path: str, who: str, status: int = 200) -> Any:
        r = self.client.get(path, headers={"Authorization": f"Bearer {self.keys[who]}"})
        assert r.status_code == status, (path, who, r.text[:300])
        return r.json()


def _edit(folder: Path, content_type: str, change: Any) -> None:
    path = folder / "gcp" / ORG / "cloudasset" / f"{content_type}.json"
    path.write_text(json.dumps(change(json.loads(path.read_text())), indent=2))


def _day2(tmp: Path) -> Path:
    """The snapshot's day 2, plus: in acme-prod a bucket label, a firewall gone and a new bucket grant to the
    app-runner service account; in acme-dev a bucket label and a new service account made project editor."""
    day2 = tmp / "day2"
    shutil.copytree(SNAPSHOTS / "day2", day2)
    dev_sa = "209384756102938475610"

    def resources(assets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = [a for a in assets if not a["name"].endswith(FIREWALL)]
        for a in out:
            data = a["resource"]["data"]
            if a["name"].endswith("/acme-crown-jewels"):
                data["labels"] = {**data["labels"], "owner": "data-team"}
            if a["name"].endswith("/acme-dev-scratch"):
                data["labels"] = {"env": "dev"}
        template = next(a for a in out if a["assetType"] == "iam.googleapis.com/ServiceAccount")
        sa = json.loads(json.dumps(template))
        sa["name"] = f"//iam.googleapis.com/projects/{DEV}/serviceAccounts/{dev_sa}"
        sa["ancestors"] = ["projects/602837461929", f"organizations/{ORG}"]
        sa["resource"]["parent"] = "//cloudresourcemanager.googleapis.com/projects/602837461929"
        email = DEV_BUILDER.split(":", 1)[1]
        sa["resource"]["data"].update(
            displayName="dev builder",
            email=email,
            name=f"projects/{DEV}/serviceAccounts/{email}",
            oauth2ClientId=dev_sa,
            projectId=DEV,
            uniqueId=dev_sa,
        )
        return [*out, sa]

    def policies(assets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for a in assets:
            bindings = a["iamPolicy"]["bindings"]
            if a["name"].endswith("/acme-public-site"):
                bindings.append({"members": [APP_RUNNER], "role": "roles/storage.objectAdmin"})
            if a["name"].endswith("/projects/602837461929"):
                bindings.append({"members": [DEV_BUILDER], "role": "roles/editor"})
        return assets

    _edit(day2, "resource", resources)
    _edit(day2, "iam-policy", policies)
    return day2


def _as_older_runs_stored(run_id: str) -> None:
    """Day-1 records as a run before project scoping wrote them: node change records under the organization
    (relationship records already carried their start node's owner), permission records without a project."""
    driver.write("MATCH (c:AssetChange {run_id: $run}) SET c.scope = $org", {"run": run_id, "org": ORG})
    driver.write("MATCH (r:PrincipalPermissions) REMOVE r.project")


@pytest.fixture(scope="module")
def world(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    set_settings(None)
    _wipe()
    wipe_app_db()
    runs = []
    with pytest.MonkeyPatch.context() as mp:
        # Only the GCP modules: the snapshot holds nothing else, and other providers are not under test.
        for name in ("aws_modules", "k8s_modules", "azure_modules"):
            mp.setattr(registry, name, lambda: [])
        day1 = ingest_snapshot(SNAPSHOTS / "day1")
        assert day1.status in ("ok", "partial")
        _as_older_runs_stored(day1.run_id)
        day2 = ingest_snapshot(_day2(tmp_path_factory.mktemp("gcp")))
        assert day2.status in ("ok", "partial")
        runs = [day1.run_id, day2.run_id]
    target = controls_runner.latest_target()
    controls = [c for c in catalogue.load_catalogue() if c.id.startswith("gcp_")]
    findings.record_run(controls_runner.run_controls(controls, target), target)
    keys = {
        "full": apikeys.create_key("full", "viewer")[1],
        "prod": apikeys.create_key("prod", "viewer", scopes=apikeys.Scopes(gcp_projects=(PROD,)))[1],
        "dev": apikeys.create_key("dev", "viewer", scopes=apikeys.Scopes(gcp_projects=(DEV,)))[1],
    }
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield World(client, keys, runs)
    _wipe()
    wipe_app_db()


def _holding_project() -> dict[str, str]:
    """Asset id -> the project that holds it in the graph (a project holds itself)."""
    rows = driver.read(
        "MATCH (p:GCPProject) OPTIONAL MATCH (p)-[:RESOURCE]->(n) RETURN p.id AS p, collect(n.id) AS ids"
    )
    return {i: r["p"] for r in rows for i in [r["p"], *r["ids"]]}


def _expected_scope(asset_id: str, held: dict[str, str]) -> str:
    """The project holding the asset; a removed asset by the project its id names; otherwise the org."""
    if asset_id in held:
        return held[asset_id]
    named = re.search(r"projects/([a-z][a-z0-9-]+)/", asset_id)
    return named.group(1) if named else ORG


def test_change_records_carry_the_project(world: World) -> None:
    held = _holding_project()
    rows = driver.read(
        "MATCH (c:AssetChange {run_id: $run}) RETURN c.asset_id AS id, c.kind AS kind, c.scope AS scope",
        {"run": world.runs[1]},
    )
    assert {(r["id"], r["kind"]) for r in rows} >= {
        ("acme-crown-jewels", "changed"),
        ("acme-dev-scratch", "changed"),
        (FIREWALL, "removed"),
        (FOLDER_OWNER, "added"),
    }
    for r in rows:
        assert r["scope"] == _expected_scope(r["id"], held), r
    assert {r["scope"] for r in rows} == {PROD, DEV, ORG}  # the folder binding stays with the organization
    rels = driver.read(
        "MATCH (c:RelChange {run_id: $run}) RETURN c.start AS start, c.type AS type, c.end AS end, "
        "c.kind AS kind, c.scope AS scope",
        {"run": world.runs[1]},
    )
    removed = [r for r in rels if r["kind"] == "removed"]
    assert any(FIREWALL in (r["start"], r["end"]) for r in removed)
    for r in rels:
        if r["kind"] == "added" and r["start"] in held:
            assert r["scope"] == held[r["start"]], r
        if r["kind"] == "removed":  # the scope the relationship had when it appeared (its start's owner)
            [prior] = driver.read(
                "MATCH (c:RelChange {start: $s, type: $t, end: $e, kind: 'added'}) RETURN c.scope AS scope",
                {"s": r["start"], "t": r["type"], "e": r["end"]},
            )
            assert r["scope"] == prior["scope"], r
            if FIREWALL in (r["start"], r["end"]):
                assert r["scope"] == PROD


def _drift_ids(doc: dict[str, Any]) -> dict[str, set[str]]:
    return {kind: {a["id"] for a in doc["assets"][kind]} for kind in ("added", "removed", "changed")}


def _rels(doc: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {
        (kind, r["start"], r["type"], r["end"])
        for kind in ("added", "removed")
        for r in doc["relationships"][kind]
    }


def test_drift_gives_each_project_its_own_changes(world: World) -> None:
    held = _holding_project()
    full = world.get("/api/v1/drift", "full")
    all_ids = _drift_ids(full)
    assert "acme-crown-jewels" in all_ids["changed"] and "acme-dev-scratch" in all_ids["changed"]
    assert FOLDER_OWNER in all_ids["added"]
    for who, project in (("prod", PROD), ("dev", DEV)):
        doc = world.get("/api/v1/drift", who)
        mine = _drift_ids(doc)
        for kind, ids in all_ids.items():
            assert mine[kind] == {i for i in ids if _expected_scope(i, held) == project}, (who, kind)
        assert all(a["scope"] == project for kind in mine for a in doc["assets"][kind])
        # Relationships: only records of the project; an org-level start (the folder binding) stays hidden.
        rels = _rels(doc)
        assert rels and rels <= _rels(full)
        assert not any(FOLDER_OWNER in (s, e) for _, s, _, e in rels)
        others = {i for i, p in held.items() if p not in (project,)}
        assert not any(s in others for _, s, _, _ in rels)
        assert all(
            f["scope"] == project
            for f in [f for k in ("new", "resolved", "reopened") for f in doc["findings"][k]]
        )
    assert (FIREWALL in _drift_ids(world.get("/api/v1/drift", "prod"))["removed"]) is True
    assert "acme-dev-scratch" not in _drift_ids(world.get("/api/v1/drift", "prod"))["changed"]
    assert "acme-crown-jewels" not in _drift_ids(world.get("/api/v1/drift", "dev"))["changed"]


def test_asset_history_follows_the_project(world: World) -> None:
    # Day 1's record is stored the old way (organization scope): loads for the unscoped key, hidden from
    # the project key, which sees the day-2 change its project's record now carries.
    full = world.get("/api/v1/assets/acme-crown-jewels/history", "full")
    prod = world.get("/api/v1/assets/acme-crown-jewels/history", "prod")
    assert [e["kind"] for e in full if e["kind"]] == ["added", "changed"]
    assert [(e["kind"], e["scope"]) for e in prod if e["kind"]] == [("changed", PROD)]
    world.get("/api/v1/assets/acme-crown-jewels/history", "dev", status=404)
    assert [e["kind"] for e in world.get(f"/api/v1/assets/{FIREWALL}/history", "prod") if e["kind"]] == [
        "removed"
    ]
    world.get(f"/api/v1/assets/{FOLDER_OWNER}/history", "prod", status=404)
    world.get(f"/api/v1/assets/{FOLDER_OWNER}/history", "full")


def test_latest_drift_widget_counts_the_project(world: World) -> None:
    rows = driver.read(
        "MATCH (c:AssetChange {run_id: $run}) RETURN c.scope AS scope, c.kind AS kind, count(*) AS n",
        {"run": world.runs[1]},
    )
    for who, project in (("prod", PROD), ("dev", DEV)):
        w = world.get("/api/v1/widgets/latest-drift", who)
        expected = {
            k: sum(r["n"] for r in rows if r["scope"] == project and r["kind"] == k) for k in w["assets"]
        }
        assert w["assets"] == expected and sum(expected.values()) > 0
        assert {s["scope"] for s in w["sample"]} == {project}


def _creep_names(doc: dict[str, Any]) -> set[str]:
    return {p["name"] for p in doc["principals"]}


def test_creep_gives_each_project_its_service_accounts(world: World) -> None:
    full = world.get("/api/v1/privileges/creep", "full")
    assert _creep_names(full) >= {APP_RUNNER, DEV_BUILDER, EVE}
    by_name = {p["name"]: p for p in full["principals"]}
    assert by_name[APP_RUNNER]["scope"] == ORG and by_name[APP_RUNNER]["project"] == PROD
    assert by_name[DEV_BUILDER]["project"] == DEV and by_name[DEV_BUILDER]["status"] == "added"
    assert by_name[EVE]["project"] is None  # a user is no project's: organization-level only
    for who, project in (("prod", PROD), ("dev", DEV)):
        doc = world.get("/api/v1/privileges/creep", who)
        assert _creep_names(doc) == {n for n, p in by_name.items() if p["project"] == project}
        widget = world.get("/api/v1/widgets/privilege-creep", who)
        assert {p["name"] for p in widget["top"]} == _creep_names(doc)
        assert widget["principals"] == len(doc["principals"])
    assert any("roles/storage.objectAdmin" in g for g in by_name[APP_RUNNER]["gained"])


def test_principal_page_follows_the_project(world: World) -> None:
    # ci-deployer's permissions did not change on day 2: its record is day 1's, stored without a project
    # and given it in place by day 2's run (no new version).
    pid = f"{ORG}/{CI_DEPLOYER}"
    doc = world.get(f"/api/v1/privileges/{pid}", "prod")
    assert doc["project"] == PROD and len(doc["history"]) == 1
    world.get(f"/api/v1/privileges/{pid}", "dev", status=404)
    world.get(f"/api/v1/privileges/{ORG}/{DEV_BUILDER}", "dev")
    world.get(f"/api/v1/privileges/{ORG}/{EVE}", "prod", status=404)
    world.get(f"/api/v1/privileges/{ORG}/{EVE}", "full")


def test_changed_recently_investigation_takes_a_project_or_the_organization(world: World) -> None:
    """The library query keeps answering for an organization number (its projects' records included) and
    answers for a project id."""
    text = (
        Path(__file__).resolve().parents[2]
        / "queries"
        / "investigations"
        / "assets_changed_recently"
        / "query.cypher"
    ).read_text()

    def found(scope: str) -> set[str]:
        return {
            r["asset_id"] for r in driver.read(text, {"scope": scope, "days": 1}) if r["kind"] == "changed"
        }

    assert {"acme-crown-jewels", "acme-dev-scratch"} <= found(ORG)
    assert "acme-crown-jewels" in found(PROD) and "acme-dev-scratch" not in found(PROD)
    assert found(DEV) & {"acme-crown-jewels"} == set() and "acme-dev-scratch" in found(DEV)


def test_organization_scan_runs_stay_with_unscoped_keys(world: World) -> None:
    """An organization scan's module runs are one per module for the whole organization (counts included):
    hidden from project-scoped keys rather than shown with other projects' numbers (docs/api.md)."""
    full = world.get("/api/v1/runs", "full")
    assert {r["id"] for r in full} == set(world.runs)
    assert {m["scope"] for r in full for m in r["modules"]} == {ORG}
    assert world.get("/api/v1/runs", "prod") == world.get("/api/v1/runs", "dev") == []
