"""One Neo4j driver per process, created lazily, with read/write transaction helpers.

Every query that carries user input passes it as parameters; nothing here formats values into Cypher.
Writes go through ``execute_write`` so transient errors (leader switch, deadlock) are retried by the driver.

Clusters and Aura (``neo4j://`` / ``neo4j+s://``, docs/operations.md "Cluster / Aura"): reads run in READ
access mode (``execute_read`` or a read-only session), so the driver's routing may send them to a secondary;
writes go to the leader. Every session of the process shares one bookmark manager, so each transaction
starts from everything this process has already written *or read*: the post-ingest steps see the ingest run's
writes, and an API process that has seen a run finish (its run marker, api/widgets/cache.py) never reads
from a secondary that has not applied that run yet. ``bookmarks()`` exposes the current bookmarks so another
process can be handed them (``read(..., bookmarks=…)``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import neo4j
from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from neo4j.exceptions import ClientError, TransientError

from config import Neo4jSettings, get_settings

_lock = threading.Lock()
_driver: Driver | None = None
_driver_settings: Neo4jSettings | None = None
# Process-wide causal chain (module docstring); kept across driver rebuilds: bookmarks name transactions of
# the database, not of a connection.
_bookmarks = GraphDatabase.bookmark_manager()


def get_driver(settings: Neo4jSettings | None = None) -> Driver:
    """The process-wide driver; built on first use so importing modules never opens sockets."""
    global _driver, _driver_settings
    settings = settings or get_settings().neo4j
    with _lock:
        if _driver is not None and _driver_settings == settings:
            return _driver
        if _driver is not None:
            _driver.close()
        auth = (settings.user, settings.password) if settings.password else None
        # Server notifications (deprecations, unknown property keys in optional lookups) are not errors;
        # they would flood logs of every run, so they are switched off at the source.
        driver = GraphDatabase.driver(
            settings.uri,
            auth=auth,
            max_connection_pool_size=settings.max_connection_pool_size,
            notifications_min_severity="OFF",
            max_transaction_retry_time=settings.max_retry_time,
            connection_timeout=settings.connection_timeout,
        )
        _verify(driver, settings.connect_wait)
        _driver, _driver_settings = driver, settings
        return _driver


def _verify(driver: Driver, wait: float) -> None:
    """Reach the server once before the driver is shared: an unreachable Neo4j is reported within the
    connection timeout (or after ``wait`` seconds of retries), instead of after every transaction's
    retry budget. The driver is not kept on failure, so a later call tries again."""
    deadline = time.monotonic() + wait
    while True:
        try:
            driver.verify_connectivity()
            return
        except neo4j.exceptions.ServiceUnavailable:
            if time.monotonic() >= deadline:
                driver.close()
                raise
            time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))


def close_driver() -> None:
    global _driver, _driver_settings
    with _lock:
        if _driver is not None:
            _driver.close()
        _driver, _driver_settings = None, None


def database_name() -> str:
    return (_driver_settings or get_settings().neo4j).database


def bookmarks() -> list[str]:
    """The bookmarks of everything this process has written or read so far (sorted raw values)."""
    return sorted(_bookmarks.get_bookmarks())


@contextmanager
def session(read_only: bool = False, after: Iterable[str] | None = None) -> Iterator[Session]:
    """A session on the configured database; READ access mode when ``read_only``. It starts after this
    process's own bookmarks and, when given, the bookmarks ``after`` (e.g. another process's run)."""
    mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS
    extra = neo4j.Bookmarks.from_raw_values(after) if after else None
    with get_driver().session(
        database=database_name(), default_access_mode=mode, bookmark_manager=_bookmarks, bookmarks=extra
    ) as s:
        yield s


def _timeout() -> float:
    return (_driver_settings or get_settings().neo4j).transaction_timeout


def _rows_work(query: str, parameters: Mapping[str, Any] | None, timeout: float | None) -> Any:
    @neo4j.unit_of_work(timeout=timeout or _timeout())
    def work(tx: ManagedTransaction) -> list[dict]:
        return [r.data() for r in tx.run(query, dict(parameters or {}))]

    return work


def read(
    query: str,
    parameters: Mapping[str, Any] | None = None,
    timeout: float | None = None,
    bookmarks: Iterable[str] | None = None,
) -> list[dict]:
    """Run a read query in a READ transaction (routed to a secondary in a cluster) and return the rows as
    plain dicts; ``bookmarks`` makes it wait until the server has applied those transactions."""
    with session(read_only=True, after=bookmarks) as s:
        return s.execute_read(_rows_work(query, parameters, timeout))


def write(
    query: str, parameters: Mapping[str, Any] | None = None, timeout: float | None = None
) -> list[dict]:
    """Run a write query in a retried WRITE transaction and return the rows as plain dicts."""
    with session() as s:
        return s.execute_write(_rows_work(query, parameters, timeout))


def server_info() -> dict[str, str]:
    rows = read("CALL dbms.components() YIELD name, versions, edition RETURN versions[0] AS version, edition")
    return {"version": rows[0]["version"], "edition": rows[0]["edition"]}


# Neo4j's codes for "this index / constraint, or an equivalent one, is already there".
_ALREADY = (
    "EquivalentSchemaRuleAlreadyExists",
    "IndexAlreadyExists",
    "ConstraintAlreadyExists",
    "ConstraintWithNameAlreadyExists",
    "IndexWithNameAlreadyExists",
)


def ensure_schema(statements: Iterable[str]) -> None:
    """Create the indexes and constraints (``CREATE INDEX|CONSTRAINT <name> IF NOT EXISTS …``) not there yet.

    The one schema loop every store uses. Existing names are read once, so a set-up database costs two reads
    instead of a transaction per statement; an equivalent index made by another tool (e.g. Cartography) under
    another name is accepted.
    """
    existing = {r["name"] for r in read("SHOW INDEXES YIELD name RETURN name")}
    existing |= {r["name"] for r in read("SHOW CONSTRAINTS YIELD name RETURN name")}
    seen: set[str] = set()
    for stmt in statements:
        name = stmt.split()[2]
        if stmt in seen or name in existing:
            continue
        seen.add(stmt)
        _create_schema(stmt)


def _create_schema(stmt: str, attempts: int = 5) -> None:
    """One schema statement; two processes creating the same one at once may deadlock on the schema lock
    (a transient error): wait a moment and try again, then it exists ("already exists" is success)."""
    for attempt in range(attempts):
        try:
            with session() as s:
                s.run(stmt).consume()
            return
        except TransientError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
        except ClientError as exc:
            if not any(code in (exc.code or "") for code in _ALREADY) and "already exists" not in str(exc):
                raise
            return
