"""Test-suite wiring: one real Neo4j for the whole session, an empty graph for every test.

When NEO4J_URI is set the suite uses that server (e.g. the compose Neo4j); otherwise it starts the
embedded Neo4j on a free loopback port with a throw-away data folder. There is no fallback: if Neo4j
cannot start, the suite fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import driver as graph_driver
from graph.embedded import throwaway
from graph.settings import get_neo4j_settings

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
OUTPUT = REPO / "test-output"


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    with throwaway.neo4j_uri(heap="1g", pagecache="256m", prefix="invgraph-test-neo4j-") as uri:
        yield uri


def _wipe() -> None:
    # Batched so that a large benchmark-sized leftover cannot blow the transaction memory cap.
    with graph_driver.session() as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


@pytest.fixture()
def neo4j(neo4j_uri: str) -> Iterator[str]:
    """An empty graph (schema kept) on the session's Neo4j."""
    get_neo4j_settings.cache_clear()
    _wipe()
    yield neo4j_uri


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
