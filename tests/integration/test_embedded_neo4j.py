"""Smoke test of the embedded Neo4j: jars resolved, process started, Bolt answers, READ mode enforced."""

from __future__ import annotations

from urllib.parse import urlparse

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


# SIGKILL then recovery of committed data, the store lock against a second process, and `stop` clearing
# the state file are checked in tests/acceptance/test_neo4j_stopped_mid_ingest.py, on the Neo4j that test
# starts and kills anyway (three JVM start-ups less than a test of their own).
