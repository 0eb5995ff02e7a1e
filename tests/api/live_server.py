"""A real uvicorn process serving `create_app()` on a free loopback port, for tests that need real HTTP
(a browser, or latency measured outside the test process's own interpreter)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from graph.embedded.server import free_port

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def live_api(neo4j_uri: str, **env: str) -> Iterator[str]:
    """Base URL of a uvicorn serving the API against `neo4j_uri`; `env` adds INVGRAPH_* settings."""
    port = free_port()
    full_env = {**os.environ, "NEO4J_URI": neo4j_uri, "INVGRAPH_ENVIRONMENT": "development", **env}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=full_env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, "uvicorn exited"
            assert time.monotonic() < deadline, "uvicorn did not answer within 120 s"
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
