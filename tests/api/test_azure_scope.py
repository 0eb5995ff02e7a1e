"""A key scoped to one Azure subscription, on real data: the hand-written Azure tenant snapshot (two
subscriptions, unmodified `az … -o json` shapes) ingested for real with history and the post-ingest steps,
the controls run once; then the key sees exactly its subscription's findings, assets and exposure,
the expected sets derived from the unscoped key's answers and the graph (nothing hard-coded but the ids of
the two subscriptions the snapshot holds)."""

from __future__ import annotations

import json
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

DAY1 = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten-azure" / "day1"
PROD, DEV = "8c1f9a2e-4b3d-4e5f-a6b7-c8d9e0f1a2b3", "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"


class World:
    def __init__(self, client: TestClient, keys: dict[str, str]) -> None:
        self.client, self.keys = client, keys

    def get(self, path: str, who: str) -> Any:
        r = self.client.get(path, headers={"Authorization": f"Bearer {self.keys[who]}"})
        assert r.status_code == 200, (path, who, r.text[:300])
        return r.json()


def _day2(tmp: Path) -> Path:
    """Day 1 again with one change in the prod subscription: web-1 gains a tag (drift to scope)."""
    day2 = tmp / "day2"
    shutil.copytree(DAY1, day2)
    vms = next(day2.glob(f"azure/*/{PROD}/vm/list.json"))
    doc = json.loads(vms.read_text())
    for vm in doc:
        if vm["name"] == "web-1":
            vm["tags"] = {**(vm.get("tags") or {}), "owner": "platform"}
    vms.write_text(json.dumps(doc, indent=2))
    return day2


@pytest.fixture(scope="module")
def world(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    set_settings(None)
    _wipe()
    wipe_app_db()
    with pytest.MonkeyPatch.context() as mp:
        # Only the Azure modules: the snapshot holds nothing else, and other providers are not under test.
        for name in ("aws_modules", "k8s_modules", "gcp_modules"):
            mp.setattr(registry, name, lambda: [])
        assert ingest_snapshot(DAY1).status in ("ok", "partial")
        assert ingest_snapshot(_day2(tmp_path_factory.mktemp("azure"))).status in ("ok", "partial")
    target = controls_runner.latest_target()
    controls = [c for c in catalogue.load_catalogue() if c.id.startswith("azure_")]
    findings.record_run(controls_runner.run_controls(controls, target), target)
    keys = {
        "full": apikeys.create_key("full", "viewer")[1],
        "prod": apikeys.create_key("prod", "viewer", scopes=apikeys.Scopes(azure_subscriptions=(PROD,)))[1],
        "dev": apikeys.create_key("dev", "viewer", scopes=apikeys.Scopes(azure_subscriptions=(DEV,)))[1],
    }
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield World(client, keys)
    _wipe()
    wipe_app_db()


def _owned(sub: str) -> set[str]:
    """The subscription and every asset it holds (RESOURCE), as the graph has them."""
    rows = driver.read(
        "MATCH (s:AzureSubscription {id: $sub}) OPTIONAL MATCH (s)-[:RESOURCE]->(n) "
        "RETURN s.id AS s, collect(n.id) AS ids",
        {"sub": sub},
    )
    return {rows[0]["s"], *rows[0]["ids"]}


def test_findings_carry_the_subscription_and_follow_the_key(world: World) -> None:
    full = world.get("/api/v1/findings?state=all&limit=1000", "full")["items"]
    # The controls runner records the owning subscription id as the scope of every Azure finding it can own.
    for f in full:
        if f["asset_id"] in _owned(PROD) - {PROD}:
            assert f["scope"] == PROD, f
    by_scope = {sub: {f["id"] for f in full if f["scope"] == sub} for sub in (PROD, DEV)}
    assert by_scope[PROD], "the planted prod faults must produce findings"
    for who, sub in (("prod", PROD), ("dev", DEV)):
        assert {
            f["id"] for f in world.get("/api/v1/findings?state=all&limit=1000", who)["items"]
        } == by_scope[sub]
    # Tenant-level findings (Entra users, management-group role assignments) have no subscription: unseen.
    assert len(full) > len(by_scope[PROD]) + len(by_scope[DEV])


def test_asset_counts_cover_only_the_subscription(world: World) -> None:
    full = world.get("/api/v1/widgets/asset-counts", "full")
    assert {s["id"] for s in full["by_subscription"]} == {PROD, DEV}
    for who, sub in (("prod", PROD), ("dev", DEV)):
        w = world.get("/api/v1/widgets/asset-counts", who)
        [row] = w["by_subscription"]
        assert row["id"] == sub and row["count"] == len(_owned(sub)) - 1
        assert row == next(s for s in full["by_subscription"] if s["id"] == sub)
        assert w["total"] == len(_owned(sub))  # its assets and the subscription itself
        assert w["by_account"] == w["by_project"] == w["by_cluster"] == []


def test_exposure_follows_the_subscription(world: World) -> None:
    full = world.get("/api/v1/exposure/assets?limit=1000", "full")["assets"]
    assert {a["account"] for a in full} >= {PROD}
    for who, sub in (("prod", PROD), ("dev", DEV)):
        mine = world.get("/api/v1/exposure/assets?limit=1000", who)["assets"]
        assert [a["id"] for a in mine] == [a["id"] for a in full if a["account"] == sub]
        top = world.get("/api/v1/widgets/top-exposed-assets?limit=100", who)["assets"]
        assert {a["scope"] for a in top} <= {sub}


def test_drift_follows_the_subscription(world: World) -> None:
    """Change records carry the subscription (history/changes.py record_scope), so drift filters like the
    other answers: the prod key sees web-1's new tag, the dev key does not."""

    def changed(who: str) -> set[str]:
        return {a["name"] for a in world.get("/api/v1/drift", who)["assets"]["changed"]}

    assert "web-1" in changed("full")
    assert "web-1" in changed("prod")
    assert "web-1" not in changed("dev")
