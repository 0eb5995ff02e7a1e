"""Shared benchmark plumbing: a Neo4j to run against (NEO4J_URI, or a throw-away embedded one)."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager

from graph import driver
from graph.embedded import throwaway


@contextmanager
def neo4j_for_bench(heap: str = "2g", pagecache: str = "1g") -> Iterator[str]:
    with throwaway.neo4j_uri(heap=heap, pagecache=pagecache, prefix="invgraph-bench-") as uri:
        yield uri


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
    """Peak resident memory of this process in MB.

    Reads ``VmHWM`` where Linux has it: ``ru_maxrss`` survives ``execve``, so a child started by a 250 MB
    benchmark process reported the parent's 250 MB as its own peak whatever it did (session 8).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
