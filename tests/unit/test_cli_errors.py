"""The console entry point turns an unreachable Neo4j into one line naming the URI, exit code 1.

Runs the installed ``invgraph`` script in a subprocess (the entry point, not the Typer app), against a
loopback port nothing listens on; no graph is touched, so no Neo4j is needed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from graph.embedded.server import free_port

INVGRAPH = Path(sys.executable).with_name("invgraph")
DAY1 = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten" / "day1"


def test_unreachable_neo4j_is_one_clear_line_not_a_traceback() -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"
    env = {**os.environ, "NEO4J_URI": uri, "NEO4J_MAX_RETRY_TIME": "1"}
    done = subprocess.run(
        [str(INVGRAPH), "ingest", "snapshot", str(DAY1)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"error: cannot reach Neo4j at {uri}" in done.stderr
    assert "invgraph neo4j start" in done.stderr
