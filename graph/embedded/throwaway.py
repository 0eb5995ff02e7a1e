"""A Neo4j for one test session or one benchmark run: the one NEO4J_URI names, else a throw-away embedded one.

The embedded one gets a free loopback port and a temporary data folder; NEO4J_URI points at it while it runs
(so the driver and every child setting read it) and the folder is removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from config import set_settings
from graph import driver
from graph.embedded import server


@contextmanager
def neo4j_uri(heap: str, pagecache: str, prefix: str) -> Iterator[str]:
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    state = server.start(
        server.ServerOptions(data_dir=data_dir, port=server.free_port(), heap=heap, pagecache=pagecache)
    )
    os.environ["NEO4J_URI"] = state.uri
    set_settings(None)
    try:
        yield state.uri
    finally:
        driver.close_driver()
        server.stop(data_dir)
        os.environ.pop("NEO4J_URI", None)
        shutil.rmtree(data_dir, ignore_errors=True)
