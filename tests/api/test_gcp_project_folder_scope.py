"""Keys scoped to one GCP project when the snapshot holds project folders (``gcp/<project id>/``, what
``gcloud asset list --project`` collects): module runs, change records and permission records carry the
project id, so a project-scoped key sees its project's runs, drift and creep and nothing of the other project.
Built from the hand-written organization snapshot's assets of each project (tests/integration/gcp), with a
day-2 change in each project."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from appdb import keys as apikeys
from config import set_settings
from graph import driver
from ingest import registry
from tests.conftest import _wipe, wipe_app_db
from tests.integration.gcp.gcp_support import DEV, DEV_NUMBER, PROD, PROD_NUMBER, project_snapshot, run

PROJECTS = {PROD: PROD_NUMBER, DEV: DEV_NUMBER}
BUCKET = {PROD: "acme-crown-jewels", DEV: "acme-dev-scratch"}
GRANTEE = {PROD: "user:carol@example.com", DEV: "user:dave@example.com"}


def _day2(project: str, content_type: str, assets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A bucket label and a new project viewer, in each project."""
    for a in assets:
        if content_type == "resource" and a["name"].endswith("/" + BUCKET[project]):
            a["resource"]["data"]["labels"] = {**(a["resource"]["data"].get("labels") or {}), "day": "2"}
        if content_type == "iam-policy" and a["name"].endswith(f"/projects/{PROJECTS[project]}"):
            a["iamPolicy"]["bindings"].append({"members": [GRANTEE[project]], "role": "roles/viewer"})
    return assets


class World:
    def __init__(self, client: TestClient, keys: dict[str, str], runs: list[str]) -> None:
        self.client, self.keys, self.runs = client, keys, runs

    def get(self, path: str, who: str) -> Any:
        r = self.client.get(path, headers={"Authorization": f"Bearer {self.keys[who]}"})
        assert r.status_code == 200, (path, who, r.text[:300])
        return r.json()


@pytest.fixture(scope="module")
def world(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    set_settings(None)
    _wipe()
    wipe_app_db()
    tmp = tmp_path_factory.mktemp("gcp-projects")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("aws_modules", "k8s_modules", "azure_modules"):
            mp.setattr(registry, name, lambda: [])
        day1 = run(project_snapshot(tmp / "day1", PROJECTS))
        day2 = run(project_snapshot(tmp / "day2", PROJECTS, "2026-11-21T06:00:00Z", _day2))
    assert day1.status in ("ok", "partial") and day2.status in ("ok", "partial")
    keys = {
        "full": apikeys.create_key("full", "viewer")[1],
        PROD: apikeys.create_key("prod", "viewer", scopes=apikeys.Scopes(gcp_projects=(PROD,)))[1],
        DEV: apikeys.create_key("dev", "viewer", scopes=apikeys.Scopes(gcp_projects=(DEV,)))[1],
    }
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield World(client, keys, [day1.run_id, day2.run_id])
    _wipe()
    wipe_app_db()


def test_module_runs_carry_the_project(world: World) -> None:
    full = world.get("/api/v1/runs", "full")
    assert {r["id"] for r in full} == set(world.runs)
    everything = {(m["scope"], m["name"]) for r in full for m in r["modules"]}
    assert {s for s, _ in everything} == {PROD, DEV}
    for project in (PROD, DEV):
        mine = world.get("/api/v1/runs", project)
        assert {r["id"] for r in mine} == set(world.runs)
        assert {(m["scope"], m["name"]) for r in mine for m in r["modules"]} == {
            (s, n) for s, n in everything if s == project
        }


def test_drift_and_creep_follow_the_project(world: World) -> None:
    rows = driver.read(
        "MATCH (c:AssetChange {run_id: $run}) RETURN c.asset_id AS id, c.scope AS scope",
        {"run": world.runs[1]},
    )
    assert {r["scope"] for r in rows} == {PROD, DEV}
    full = world.get("/api/v1/drift", "full")
    assert {a["id"] for a in full["assets"]["changed"]} >= set(BUCKET.values())
    creep_full = {p["name"]: p for p in world.get("/api/v1/privileges/creep", "full")["principals"]}
    assert set(creep_full) >= set(GRANTEE.values())
    for project in (PROD, DEV):
        drift = world.get("/api/v1/drift", project)
        changed = {a["id"]: a["scope"] for k in ("added", "removed", "changed") for a in drift["assets"][k]}
        assert BUCKET[project] in changed and set(changed.values()) == {project}
        assert changed.keys() == {r["id"] for r in rows if r["scope"] == project}
        creep = {p["name"] for p in world.get("/api/v1/privileges/creep", project)["principals"]}
        assert (
            creep == {n for n, p in creep_full.items() if p["scope"] == project} and GRANTEE[project] in creep
        )
