"""The last ad-hoc queries of each API key, with their text, for the dashboard console's history.

Written with the audit event of the same query (api/routers/cypher.py) and linked to it by `query_sha256`.
The audit log stays hash-only for everyone who reads it (admins); this table hands the text back only to
the key that wrote it (`GET /api/v1/cypher/history`), and keeps the newest `KEEP_PER_KEY` per key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import JsonValue
from sqlalchemy import delete, select

from appdb import engine
from appdb.audit import AuditEvent
from appdb.models import QueryHistoryRow

KEEP_PER_KEY = 50


@dataclass(frozen=True)
class HistoryEntry:
    at: str
    query: str
    parameters: dict[str, JsonValue]
    outcome: str
    rows: int | None
    duration_ms: float | None
    detail: str | None


def record(event: AuditEvent, query: str, parameters: dict[str, JsonValue]) -> None:
    """Keep `query` for the event's key and drop that key's entries beyond the newest KEEP_PER_KEY."""
    with engine.session() as s:
        s.add(
            QueryHistoryRow(
                at=datetime.now(UTC),
                key_id=event.key_id,
                query=query,
                parameters=parameters,
                query_sha256=event.query_sha256 or "",
                outcome=event.outcome,
                rows=event.rows,
                duration_ms=event.duration_ms,
                detail=event.detail,
            )
        )
        s.flush()
        keep = (
            select(QueryHistoryRow.id)
            .where(QueryHistoryRow.key_id == event.key_id)
            .order_by(QueryHistoryRow.id.desc())
            .limit(KEEP_PER_KEY)
        )
        s.execute(
            delete(QueryHistoryRow).where(
                QueryHistoryRow.key_id == event.key_id, QueryHistoryRow.id.not_in(keep.scalar_subquery())
            )
        )


def recent(key_id: str, limit: int = KEEP_PER_KEY) -> list[HistoryEntry]:
    """This key's queries, newest first."""
    stmt = (
        select(QueryHistoryRow)
        .where(QueryHistoryRow.key_id == key_id)
        .order_by(QueryHistoryRow.id.desc())
        .limit(limit)
    )
    with engine.session() as s:
        return [
            HistoryEntry(
                at=r.at.isoformat(timespec="milliseconds"),
                query=r.query,
                parameters=r.parameters,
                outcome=r.outcome,
                rows=r.rows,
                duration_ms=r.duration_ms,
                detail=r.detail,
            )
            for r in s.scalars(stmt)
        ]
