"""Audit log: one row per ad-hoc query and per admin action, in the application database.

The query text itself is not stored, only its sha256: ad-hoc queries may carry literals (account ids,
names) that the audit log should not spread further. Whoever holds the text can match it by hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from appdb import engine
from appdb.models import AuditEventRow


@dataclass(frozen=True)
class AuditEvent:
    key_id: str
    key_name: str
    action: str  # "cypher", "apikey.create", "apikey.revoke", "apikey.rotate", …
    outcome: str  # "ok", "refused", "timeout", "error", "not_found", "throttled"
    query_sha256: str | None = None
    rows: int | None = None
    duration_ms: float | None = None
    detail: str | None = None
    at: str | None = None  # set on write


def query_hash(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def record(event: AuditEvent, at: datetime | None = None) -> None:
    """Write one event. Raises when the database is unreachable: callers fail closed rather than lose it."""
    props = {k: v for k, v in asdict(event).items() if k != "at"}
    with engine.session() as s:
        s.add(AuditEventRow(at=at or datetime.now(UTC), **props))


def list_events(limit: int = 100, action: str | None = None, key_id: str | None = None) -> list[AuditEvent]:
    stmt = select(AuditEventRow).order_by(AuditEventRow.at.desc(), AuditEventRow.id.desc()).limit(limit)
    if action is not None:
        stmt = stmt.where(AuditEventRow.action == action)
    if key_id is not None:
        stmt = stmt.where(AuditEventRow.key_id == key_id)
    with engine.session() as s:
        return [
            AuditEvent(
                key_id=r.key_id,
                key_name=r.key_name,
                action=r.action,
                outcome=r.outcome,
                query_sha256=r.query_sha256,
                rows=r.rows,
                duration_ms=r.duration_ms,
                detail=r.detail,
                at=r.at.isoformat(timespec="milliseconds"),
            )
            for r in s.scalars(stmt)
        ]


def count_events() -> int:
    with engine.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEventRow)) or 0)
