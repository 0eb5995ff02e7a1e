"""Smoke test of the embedded Neo4j: jars resolved, process started, Bolt answers, READ mode enforced."""

from __future__ import annotations

import os
import signal
import time
from urllib.parse import urlparse

import neo4j as neo4j_lib
import pytest
from neo4j.exceptions import ClientError

from graph import driver
from graph.embedded import server
from graph.embedded.install import NEO4J_VERSION, EmbeddedError


def test_write_then_read_back(neo4j: str) -> None:
    driver.write("CREATE (:SmokeTest {id: $id, n: $n})", {"id": "a", "n": 41})
    rows = driver.read("MATCH (s:SmokeTest {id: $id}) RETURN s.n + 1 AS n", {"id": "a"})
    assert rows == [{"n": 42}]


def test_server_is_the_pinned_community_version(neo4j: str) -> None:
    info = driver.server_info()
    assert info["edition"] == "community"
    if neo4j.startswith("bolt://127.0.0.1"):
        assert info["version"] == NEO4J_VERSION


def test_write_in_read_access_mode_is_refused_by_the_server(neo4j: str) -> None:
    with driver.session(read_only=True) as s:
        with pytest.raises(ClientError) as err:
            s.run("CREATE (:ShouldNotExist)").consume()
    assert err.value.code == "Neo.ClientError.Statement.AccessMode"
    assert driver.read("MATCH (n:ShouldNotExist) RETURN count(n) AS c") == [{"c": 0}]


def test_server_address_is_the_advertised_one(neo4j: str) -> None:
    # The launcher pins listen and advertised address to 127.0.0.1; a compose Neo4j reports its own host.
    addr = driver.get_driver().get_server_info().address
    assert addr.host == urlparse(neo4j).hostname


def test_second_start_on_the_same_folder_or_port_is_refused(neo4j: str, tmp_path) -> None:
    port = int(neo4j.rsplit(":", 1)[1])
    with pytest.raises(EmbeddedError, match="already taken"):
        server.start(server.ServerOptions(data_dir=tmp_path / "other", port=port))


def test_crash_recovery_and_folder_lock(tmp_path) -> None:
    """SIGKILL mid-life, restart recovers committed data; a second process on the folder is refused."""
    data = tmp_path / "store"
    state = server.start(
        server.ServerOptions(data_dir=data, port=server.free_port(), heap="512m", pagecache="64m")
    )
    try:
        with neo4j_lib.GraphDatabase.driver(state.uri) as d:
            d.execute_query("CREATE (:Durable {v: 7})", database_="neo4j")
        os.kill(state.pid, signal.SIGKILL)
        _wait_gone(state.pid)
        state = server.start(
            server.ServerOptions(data_dir=data, port=server.free_port(), heap="512m", pagecache="64m")
        )
        with neo4j_lib.GraphDatabase.driver(state.uri) as d:
            records = d.execute_query("MATCH (n:Durable) RETURN n.v AS v", database_="neo4j").records
        assert [r["v"] for r in records] == [7]
        # Hide our state file so the launcher itself has to meet Neo4j's store lock.
        state_file = data / "invgraph-neo4j.json"
        saved = state_file.read_text()
        state_file.unlink()
        with pytest.raises(EmbeddedError, match="locked by another Neo4j process"):
            server.start(server.ServerOptions(data_dir=data, port=server.free_port(), start_timeout=60))
        state_file.write_text(saved)
    finally:
        assert server.stop(data) is not None
    assert server.read_state(data) is None


def _wait_gone(pid: int) -> None:
    for _ in range(100):
        try:
            os.waitpid(pid, os.WNOHANG)
            os.kill(pid, 0)
        except (ChildProcessError, ProcessLookupError):
            return
        time.sleep(0.1)
