"""The service through `neo4j://` (routing, as on a cluster or Aura; one server routes for itself): reads in
READ access mode, the run's bookmarks valid for another process, freshness in answers, exposure read only
from finished runs, and exposure paths answered from the per-run cache."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import neo4j
import pytest
from fastapi.testclient import TestClient
from neo4j.exceptions import ClientError

from analysis.exposure import compute
from api.app import create_app
from appdb import keys as apikeys
from config import get_settings, set_settings
from graph import driver
from history import runs
from pipeline.run import RunReport, ingest_snapshot
from tests.conftest import _wipe, wipe_app_db

pytestmark = pytest.mark.timeout(1800)  # two real ingests; minutes on a shared, overloaded 2-core machine
DAY1 = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten" / "day1"


@pytest.fixture(scope="module")
def routed(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[RunReport]]:
    """Two runs through neo4j:// of the hand-written day's Kubernetes cluster (small, so quick), the second
    with its secrets file broken."""
    os.environ["NEO4J_URI"] = neo4j_uri.replace("bolt://", "neo4j://", 1)
    set_settings(None)
    driver.close_driver()
    try:
        _wipe()
        wipe_app_db()
        snaps = []
        for name in ("good", "broken"):
            snap = tmp_path_factory.mktemp("routing") / name
            shutil.copytree(DAY1 / "k8s", snap / "k8s")
            shutil.copy(DAY1 / "snapshot.json", snap / "snapshot.json")
            snaps.append(snap)
        (snaps[1] / "k8s" / "prod-eks" / "secrets.json").write_text("{not json")
        yield [ingest_snapshot(snap) for snap in snaps]
    finally:
        os.environ["NEO4J_URI"] = neo4j_uri
        set_settings(None)
        driver.close_driver()


@pytest.fixture(scope="module")
def api(routed: list[RunReport]) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {apikeys.create_key('routing-viewer', 'viewer')[1]}"}


def test_reads_use_read_access_mode(routed: list[RunReport]) -> None:
    assert get_settings().neo4j.uri.startswith("neo4j://")
    assert driver.read("MATCH (r:IngestRun) RETURN count(r) AS n") == [{"n": 2}]
    # A write sent through the read path is refused by the server: reads really are READ transactions,
    # which a cluster routes to its secondaries.
    with pytest.raises(ClientError) as err:
        driver.read("CREATE (:RoutingProbe) RETURN 1 AS one")
    assert "AccessMode" in (err.value.code or "")


def test_run_bookmarks_serve_another_process(routed: list[RunReport]) -> None:
    first, second = routed
    assert [r.status for r in routed] == ["ok", "partial"], [r.as_json() for r in routed]
    assert second.bookmarks and second.as_json()["bookmarks"] == second.bookmarks
    # Another process (here: another driver) waits for the run's bookmarks, then sees the finished run.
    settings = get_settings().neo4j
    with neo4j.GraphDatabase.driver(
        settings.uri, auth=(settings.user, settings.password) if settings.password else None
    ) as other:
        with other.session(
            database=settings.database,
            default_access_mode=neo4j.READ_ACCESS,
            bookmarks=neo4j.Bookmarks.from_raw_values(second.bookmarks),
        ) as s:
            row = s.run("MATCH (r:IngestRun {id: $id}) RETURN r.status AS status", id=second.run_id).single()
    assert row is not None and row["status"] == "partial"


def _stale(body: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(m["module"], m["scope"], m["last_collected_run_id"]) for m in body["freshness"]["stale_modules"]]


def test_answers_carry_the_run_and_when_stale_modules_were_collected(
    routed: list[RunReport], api: tuple[TestClient, dict[str, str]]
) -> None:
    first, second = routed
    client, headers = api
    failed = [(m.name, m.scope) for m in second.modules if m.status != "ok"]
    assert failed and all(scope == "prod-eks" for _, scope in failed)
    # Last collected: the first run, for modules it collected; never, for an optional input neither run had.
    collected = {(m.name, m.scope) for m in first.modules if m.status == "ok"}
    expected = sorted((n, s, first.run_id if (n, s) in collected else None) for n, s in failed)
    for path in ("/api/v1/exposure/paths", "/api/v1/exposure/assets", "/api/v1/widgets/asset-counts"):
        r = client.get(path, headers=headers)
        assert r.status_code == 200, (path, r.text[:300])
        body = r.json()
        assert body["freshness"]["ingest_run_id"] == second.run_id, path
        assert sorted(_stale(body)) == expected, path


def test_exposure_paths_cached_per_run_and_never_from_a_running_ingest(
    routed: list[RunReport], api: tuple[TestClient, dict[str, str]]
) -> None:
    client, headers = api
    before = client.get("/api/v1/exposure/paths?limit=5", headers=headers)
    again = client.get("/api/v1/exposure/paths?limit=5", headers=headers)
    assert before.status_code == again.status_code == 200
    assert again.headers["X-Cache"] == "hit" and again.content == before.content
    # A new ingest run is in progress and its exposure computation has completed: still not visible.
    run_id, _ = runs.new_run("test:in-progress", routed[1].context.collected_at)  # type: ignore[union-attr]
    compute(run_id)
    app_cache = client.app.state.widget_cache  # type: ignore[attr-defined]
    app_cache.clear()
    during = client.get("/api/v1/exposure/paths?limit=5", headers=headers).json()
    assert during["run_id"] == before.json()["run_id"]
    assert during["freshness"]["ingest_run_id"] == routed[1].run_id
    runs.finish_run(run_id, "ok", [], [])
    app_cache.clear()
    after = client.get("/api/v1/exposure/paths?limit=5", headers=headers).json()
    assert after["run_id"] != before.json()["run_id"] and after["freshness"]["ingest_run_id"] == run_id
    assert [p["target"] for p in after["paths"]] == [p["target"] for p in before.json()["paths"]]
