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


def _run(*args: str, **env: str) -> tuple[subprocess.CompletedProcess[str], float]:
    import time

    started = time.monotonic()
    done = subprocess.run(
        [str(INVGRAPH), *args],
        env={**os.environ, "COLUMNS": "120", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, time.monotonic() - started


def test_malformed_uri_is_one_line_at_once() -> None:
    done, _ = _run("controls", "findings", NEO4J_URI="http://127.0.0.1:7474")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "error: NEO4J_URI must start with one of bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s://, "
        "neo4j+ssc://; got 'http://127.0.0.1:7474'"
    ]


def test_unreachable_neo4j_is_one_line_without_the_retry_budget() -> None:
    # The default retry budget (NEO4J_MAX_RETRY_TIME, 30 s) is left as it is: the first connection is
    # checked on its own and reported at once, with no "will be retried" log lines.
    uri = f"bolt://127.0.0.1:{free_port()}"
    done, seconds = _run("runs", NEO4J_URI=uri)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: cannot reach Neo4j at {uri} ([Errno 111] Connection refused). Start it with `invgraph neo4j "
        "start`, point --neo4j-uri / NEO4J_URI at a running server, or pass --wait SECONDS to keep trying."
    ]
    assert seconds < 20, seconds  # interpreter start-up included; was 30 s of retries plus warnings


def test_wait_keeps_trying_for_that_long() -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"
    done, seconds = _run("--wait", "3", "runs", NEO4J_URI=uri)
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert seconds >= 3


def test_library_warnings_and_driver_logs_stay_off_the_terminal() -> None:
    code = (
        "import logging, warnings\n"
        "from cli.main import _quiet_libraries\n"
        "_quiet_libraries()\n"
        "warnings.warn('Cartography is tested on Python 3.13+ only', DeprecationWarning, stacklevel=1)\n"
        "warnings.warn('some library warning', UserWarning, stacklevel=1)\n"
        "logging.getLogger('neo4j.pool').warning('Transaction failed and will be retried')\n"
        "logging.getLogger('invgraph.ingest').warning('ours still shows')\n"
    )
    done = subprocess.run(
        [sys.executable, "-W", "always", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "ours still shows"
