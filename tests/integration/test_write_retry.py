"""Parallel ingest writes survive real deadlocks: ``graph.driver.write`` (every loader statement) runs in
``execute_write``, whose retry policy re-runs a transaction Neo4j aborted with a transient error.

No fake: two threads update the same nodes in opposite orders on the suite's Neo4j until the server has
reported at least one ``DeadlockDetected`` (seen as the driver's retry warning); every increment must land.
"""

from __future__ import annotations

import logging
import threading

import pytest

from graph import driver

NODES = 60
MAX_ROUNDS = 40


def _hammer(ids: list[str], rounds: int, errors: list[BaseException]) -> None:
    try:
        for _ in range(rounds):
            driver.write("UNWIND $ids AS id MATCH (n:RetryProbe {id: id}) SET n.v = n.v + 1", {"ids": ids})
    except BaseException as exc:  # noqa: BLE001 - reported to the test thread
        errors.append(exc)


def test_deadlocked_writes_are_retried_and_none_is_lost(neo4j: str, caplog: pytest.LogCaptureFixture) -> None:
    ids = [f"p{i:03d}" for i in range(NODES)]
    driver.write("UNWIND $ids AS id CREATE (:RetryProbe {id: id, v: 0})", {"ids": ids})
    caplog.set_level(logging.WARNING, logger="neo4j")
    done = 0
    rounds = 5
    while done < MAX_ROUNDS:
        errors: list[BaseException] = []
        threads = [
            threading.Thread(target=_hammer, args=(order, rounds, errors)) for order in (ids, ids[::-1])
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        done += rounds
        if any("will be retried" in r.getMessage() and "Deadlock" in r.getMessage() for r in caplog.records):
            break
    retries = [r.getMessage() for r in caplog.records if "will be retried" in r.getMessage()]
    assert any("Deadlock" in m for m in retries), "no deadlock happened: the test proved nothing"
    values = {r["v"] for r in driver.read("MATCH (n:RetryProbe) RETURN n.v AS v")}
    assert values == {2 * done}
