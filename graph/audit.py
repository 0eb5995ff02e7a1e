"""Audit log in the graph: one ``(:AuditEvent)`` per ad-hoc query and per admin action.

The query text itself is not stored, only its sha256: ad-hoc queries may carry literals (account ids,
names) that the audit log should not spread further. Whoever holds the text can match it by hash.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import asdict, dataclass

from graph import driver

AUDIT_SCHEMA = [
    "CREATE INDEX auditevent_at IF NOT EXISTS FOR (e:AuditEvent) ON (e.at)",
    "CREATE INDEX auditevent_key IF NOT EXISTS FOR (e:AuditEvent) ON (e.key_id)",
]
_schema_lock = threading.Lock()
_schema_done: set[str] = set()


@dataclass(frozen=True)
class AuditEvent:
    key_id: str
    key_name: str
    action: str  # "cypher", "apikey.create", "apikey.revoke", …
    outcome: str  # "ok", "refused", "timeout", "error", "not_found"
    query_sha256: str | None = None
    rows: int | None = None
    duration_ms: float | None = None
    detail: str | None = None
    at: str | None = None  # set by the database on write


def query_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def _ensure_schema() -> None:
    # Once per process and database: index creation is cheap with IF NOT EXISTS but still a round trip.
    target = f"{driver.get_driver()}|{driver.database_name()}"
    with _schema_lock:
        if target in _schema_done:
            return
        for stmt in AUDIT_SCHEMA:
            driver.write(stmt)
        _schema_done.add(target)


def record(event: AuditEvent) -> None:
    """Write one event. Raises when Neo4j is unreachable: callers fail closed rather than lose it."""
    _ensure_schema()
    props = {k: v for k, v in asdict(event).items() if k != "at"}
    driver.write("CREATE (e:AuditEvent) SET e = $props, e.at = datetime()", {"props": props})


def list_events(
    limit: int = 100, action: str | None = None, key_id: str | None = None
) -> list[AuditEvent]:
    rows = driver.read(
        """
        MATCH (e:AuditEvent)
        WHERE ($action IS NULL OR e.action = $action) AND ($key_id IS NULL OR e.key_id = $key_id)
        WITH e ORDER BY e.at DESC LIMIT $limit
        RETURN e {.key_id, .key_name, .action, .outcome, .query_sha256, .rows, .duration_ms, .detail,
                  at: toString(e.at)} AS e
        """,
        {"limit": limit, "action": action, "key_id": key_id},
    )
    return [AuditEvent(**r["e"]) for r in rows]
