"""Test-suite wiring: one real Neo4j for the whole session, an empty graph for every test.

When NEO4J_URI is set the suite uses that server (e.g. the compose Neo4j) in one process; otherwise each
process (one per pytest-xdist worker under `make test`) starts the embedded Neo4j on a free loopback port
with a throw-away data folder. There is no fallback: if Neo4j
cannot start, the suite fails loudly.

The application database (API keys, audit log) is a throw-away SQLite file for the session, emptied
with the graph. Tests of keys and audit also run against a real PostgreSQL that the suite starts
from Debian's `postgresql` binaries (`tests/postgres_server.py`, `app_db_any`); it is started only when such
a test runs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete

from appdb import engine as app_engine
from appdb.models import ApiKeyRow, AuditEventRow, QueryHistoryRow
from config import set_settings
from graph import driver as graph_driver
from graph.embedded import throwaway
from tests import postgres_server

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data"
OUTPUT = REPO / "test-output"


def pytest_configure(config: pytest.Config) -> None:
    # Every test wipes the graph, so parallel workers (pytest-xdist, `make test`) each need their own server:
    # the embedded one per worker. A NEO4J_URI given from outside would be wiped by all of them at once.
    workers = getattr(config.option, "numprocesses", None) or 0
    if os.environ.get("NEO4J_URI") and isinstance(workers, int) and workers > 1:
        raise pytest.UsageError(
            "NEO4J_URI names one shared graph that every test wipes; run the suite in one process "
            "(TEST_WORKERS=0 make test, or pytest -n 0)"
        )


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    with throwaway.neo4j_uri(heap="1g", pagecache="256m", prefix="invgraph-test-neo4j-") as uri:
        yield uri


def _wipe() -> None:
    # Batched so that a large benchmark-sized leftover cannot blow the transaction memory cap.
    with graph_driver.session() as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


_APP_DB_DIR = Path(tempfile.mkdtemp(prefix="invgraph-test-appdb-"))
# Set before anything reads the settings, so no test ever writes the developer's own app.db.
os.environ["INVGRAPH_APP_DB_URL"] = f"sqlite:///{_APP_DB_DIR / 'app.db'}"
SQLITE_URL = os.environ["INVGRAPH_APP_DB_URL"]
# Most tests send many requests with one key; the rate-limit tests switch the limits back on with their
# own settings (tests/api/test_rate_limits.py).
os.environ["INVGRAPH_RATE_LIMITS_ENABLED"] = "false"


def pytest_unconfigure(config: pytest.Config) -> None:
    app_engine.dispose_all()
    shutil.rmtree(_APP_DB_DIR, ignore_errors=True)


def wipe_app_db() -> None:
    with app_engine.session() as s:
        s.execute(delete(AuditEventRow))
        s.execute(delete(QueryHistoryRow))
        s.execute(delete(ApiKeyRow))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the session (Debian's binaries, a Unix socket, no TCP port)."""
    try:
        with postgres_server.postgres_url() as url:
            yield url
    finally:
        app_engine.dispose_all()


@pytest.fixture(params=["sqlite", "postgresql"])
def app_db_any(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Run the test once on SQLite and once on PostgreSQL, each emptied first."""
    url = SQLITE_URL if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    monkeypatch.setenv("INVGRAPH_APP_DB_URL", url)
    set_settings(None)
    wipe_app_db()
    yield request.param
    set_settings(None)


@pytest.fixture()
def neo4j(neo4j_uri: str) -> Iterator[str]:
    """An empty graph (schema kept) on the session's Neo4j, and an empty application database."""
    set_settings(None)
    _wipe()
    wipe_app_db()
    yield neo4j_uri


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT
