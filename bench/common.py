"""Shared benchmark plumbing: a Neo4j to run against (NEO4J_URI, or a throw-away embedded one)."""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph import driver
from graph.embedded import server
from graph.settings import get_neo4j_settings


@contextmanager
def neo4j_for_bench(heap: str = "2g", pagecache: str = "1g") -> Iterator[str]:
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    data = Path(tempfile.mkdtemp(prefix="invgraph-bench-"))
    state = server.start(
        server.ServerOptions(data_dir=data, port=server.free_port(), heap=heap, pagecache=pagecache)
    )
    os.environ["NEO4J_URI"] = state.uri
    get_neo4j_settings.cache_clear()
    try:
        yield state.uri
    finally:
        driver.close_driver()
        server.stop(data)
        os.environ.pop("NEO4J_URI", None)
        shutil.rmtree(data, ignore_errors=True)


def wipe() -> None:
    with driver.session() as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def counts() -> tuple[int, int]:
    row = driver.read(
        "CALL () { MATCH (n) RETURN count(n) AS n } CALL () { MATCH ()-[r]->() RETURN count(r) AS r } "
        "RETURN n, r"
    )[0]
    return row["n"], row["r"]


@contextmanager
def timer() -> Iterator[list[float]]:
    out: list[float] = []
    start = time.perf_counter()
    yield out
    out.append(time.perf_counter() - start)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
