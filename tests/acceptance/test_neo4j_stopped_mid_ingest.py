"""Acceptance: Neo4j dies (SIGKILL) in the middle of an ingest.

The run must end in an error (not hang, not report success), Neo4j recovers on the same data folder, the
interrupted run is shown as failed once the next run starts, the re-run completes, and nothing of day 1
that day 2 still contains is lost. Uses its own embedded Neo4j, so the session's server is never killed.

The launcher's own crash checks ride on the same start-ups (they were a separate test in
tests/integration/test_embedded_neo4j.py that started three more JVMs): what was committed before the
SIGKILL is there after the restart, a second Neo4j on the locked folder is refused, and `stop` stops it
and clears its state file.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from config import set_settings
from graph import driver as graph_driver
from graph.embedded import server
from graph.embedded.install import EmbeddedError
from ingest import registry
from pipeline.run import ingest_snapshot
from tests.acceptance.support import DAY1, DAY2, EXPECTED, asset_node_ids, cli

KILL_BEFORE_MODULE = 4  # 0-based: the 5th AWS module


def _point_at(uri: str | None) -> None:
    if uri is None:
        os.environ.pop("NEO4J_URI", None)
    else:
        os.environ["NEO4J_URI"] = uri
    set_settings(None)
    graph_driver.close_driver()


def _start(data_dir: Path) -> server.ServerState:
    state = server.start(
        server.ServerOptions(
            data_dir=data_dir, port=server.free_port(), heap="512m", pagecache="64m", start_timeout=300.0
        )
    )
    _point_at(state.uri)
    return state


@pytest.fixture()
def own_neo4j(neo4j_uri: str, tmp_path: Path) -> Iterator[Path]:
    """A separate embedded Neo4j for this test; the session's URI is restored afterwards."""
    session_uri = os.environ.get("NEO4J_URI")
    data_dir = tmp_path / "neo4j"
    try:
        _start(data_dir)
        yield data_dir
    finally:
        graph_driver.close_driver()
        server.stop(data_dir)
        _point_at(session_uri)


# Two Neo4j start-ups (one with recovery) and two and a half ingests: about a minute on a quiet machine, but
# well past the suite's default 600 s on a loaded one.
@pytest.mark.timeout(1800)
def test_neo4j_killed_mid_ingest_then_recovered(own_neo4j: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = own_neo4j
    day1 = ingest_snapshot(DAY1)
    assert day1.status == "ok", day1.as_json()
    day1_ids = asset_node_ids()
    # What day 2 removes (README "Day 2 changes" / EXPECTED.json drift): the deleted bucket, the rolled-out
    # pod with its container, and ACL nodes that only applied to the deleted bucket.
    removed_ids = {r["id"] for r in EXPECTED["drift_day1_to_day2"]["removed"]}
    removed_ids |= {
        i
        for label, i in day1_ids
        if label == "KubernetesContainer" and any(i.startswith(f"{pod}-") for pod in removed_ids)
    }
    removed_ids |= {
        r["id"]
        for r in graph_driver.read(
            "MATCH (a:S3Acl)-[:APPLIES_TO]->(b:S3Bucket) WITH a, collect(b.id) AS bs "
            "WHERE bs = ['acme-acl-public'] RETURN a.id AS id"
        )
    }

    # Day 2, with Neo4j killed just before the 5th AWS module runs.
    real = registry.aws_modules()
    killed = threading.Event()

    def kill_then_sync(*args: Any) -> Any:
        if not killed.is_set():
            state = server.read_state(data_dir)
            assert state is not None
            os.kill(state.pid, signal.SIGKILL)
            killed.set()
        return real[KILL_BEFORE_MODULE].sync(*args)

    wrapped = [
        *real[:KILL_BEFORE_MODULE],
        replace(real[KILL_BEFORE_MODULE], sync=kill_then_sync),
        *real[KILL_BEFORE_MODULE + 1 :],
    ]
    monkeypatch.setattr(registry, "aws_modules", lambda: list(wrapped))
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["report"] = ingest_snapshot(DAY2)
        except BaseException as exc:  # noqa: BLE001 - the test inspects whatever the run ended with
            outcome["error"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=300)
    assert not thread.is_alive(), "the ingest hung after Neo4j died"
    assert killed.is_set()
    if "report" in outcome:  # returning is acceptable only as a failure
        assert outcome["report"].status == "failed" and outcome["report"].exit_code != 0
    else:
        assert "error" in outcome
    # Neo4j being gone ends the run promptly rather than retrying every remaining module
    assert time.monotonic() - started < 120, f"the run took {time.monotonic() - started:.0f}s to give up"
    monkeypatch.setattr(registry, "aws_modules", lambda: list(real))

    # Recovery on the same data folder.
    graph_driver.close_driver()
    _start(data_dir)
    # Committed before the SIGKILL, there after the restart: day 1's assets (but what the day-2 modules that
    # finished before the kill rightly removed) and its run.
    assert {(label, i) for label, i in day1_ids if i not in removed_ids} <= asset_node_ids()
    code, out = cli("runs", "--format", "json")
    assert code == 0
    runs_before = json.loads(out)
    assert [r["status"] for r in runs_before] == ["running", "ok"]  # the interrupted run, still open
    interrupted = runs_before[0]["id"]

    again = ingest_snapshot(DAY2)
    assert again.status == "ok", [m.as_json() for m in again.modules if m.status != "ok"]
    code, out = cli("runs", "--format", "json")
    runs_after = {r["id"]: r for r in json.loads(out)}
    assert runs_after[interrupted]["status"] == "failed"
    assert "interrupted" in runs_after[interrupted]["error"]
    assert runs_after[again.run_id]["status"] == "ok"
    assert [r["status"] for r in json.loads(out)] == ["ok", "failed", "ok"]

    after = asset_node_ids()
    lost = {(label, i) for label, i in day1_ids - after if i not in removed_ids}
    assert lost == set()
    assert {
        ("EC2Instance", "i-0a9f8e7d6c5b4a392"),
        ("KubernetesPod", EXPECTED["cross_layer_path"]["day2_pod_id"]),
    } <= after

    # A second process on the folder: hide our state file so the launcher itself meets Neo4j's store lock.
    state_file = data_dir / "invgraph-neo4j.json"
    saved = state_file.read_text()
    state_file.unlink()
    with pytest.raises(EmbeddedError, match="locked by another Neo4j process"):
        server.start(server.ServerOptions(data_dir=data_dir, port=server.free_port(), start_timeout=60))
    state_file.write_text(saved)
    graph_driver.close_driver()
    assert server.stop(data_dir) is not None
    assert server.read_state(data_dir) is None
