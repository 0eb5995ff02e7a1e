"""Move API keys and audit events that older versions kept in Neo4j into the application database.

Run at API start-up. Each batch is copied first and deleted from the graph only after the copy is
committed, and a row already present is not copied twice (keys by id, events by all their fields), so
a crash half-way, or running it again, neither loses nor duplicates anything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from appdb import engine
from appdb.models import ApiKeyRow, AuditEventRow
from graph import driver

log = logging.getLogger("invgraph.appdb")
_BATCH = 500
_LEGACY_SCHEMA = ("apikey_id", "apikey_prefix", "auditevent_at", "auditevent_key")


@dataclass(frozen=True)
class Moved:
    keys: int = 0
    events: int = 0


def _native(value: object) -> datetime | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    if isinstance(native, str):
        native = datetime.fromisoformat(native.replace("Z", "+00:00"))
    assert isinstance(native, datetime)
    return native if native.tzinfo else native.replace(tzinfo=UTC)


def _move_keys() -> int:
    moved = 0
    while True:
        rows = driver.read(f"MATCH (k:ApiKey) RETURN elementId(k) AS eid, properties(k) AS p LIMIT {_BATCH}")
        if not rows:
            return moved
        with engine.session() as s:
            for r in rows:
                p = r["p"]
                if s.get(ApiKeyRow, p["id"]) is not None:
                    continue
                s.add(
                    ApiKeyRow(
                        id=p["id"],
                        name=p.get("name") or p["id"],
                        role=p.get("role") or "viewer",
                        prefix=p["prefix"],
                        hash=p["hash"],
                        created_at=_native(p.get("created_at")) or datetime.now(UTC),
                        revoked_at=_native(p.get("revoked_at")),
                    )
                )
                moved += 1
        driver.write(
            "UNWIND $ids AS eid MATCH (k:ApiKey) WHERE elementId(k) = eid DELETE k",
            {"ids": [r["eid"] for r in rows]},
        )


def _move_events() -> int:
    moved = 0
    fields = ("key_id", "key_name", "action", "outcome", "query_sha256", "rows", "duration_ms", "detail")
    while True:
        rows = driver.read(
            f"MATCH (e:AuditEvent) RETURN elementId(e) AS eid, properties(e) AS p LIMIT {_BATCH}"
        )
        if not rows:
            return moved
        with engine.session() as s:
            for r in rows:
                p = r["p"]
                values = {f: p.get(f) for f in fields}
                values["key_id"] = values["key_id"] or "unknown"
                values["key_name"] = values["key_name"] or "unknown"
                values["action"] = values["action"] or "unknown"
                values["outcome"] = values["outcome"] or "unknown"
                at = _native(p.get("at")) or datetime.now(UTC)
                same = select(AuditEventRow.id).where(
                    AuditEventRow.at == at,
                    *[
                        getattr(AuditEventRow, f) == v
                        if v is not None
                        else getattr(AuditEventRow, f).is_(None)
                        for f, v in values.items()
                    ],
                )
                if s.scalars(same.limit(1)).first() is not None:
                    continue
                s.add(AuditEventRow(at=at, **values))
                moved += 1
        driver.write(
            "UNWIND $ids AS eid MATCH (e:AuditEvent) WHERE elementId(e) = eid DELETE e",
            {"ids": [r["eid"] for r in rows]},
        )


def move_from_graph() -> Moved:
    """Copy legacy ApiKey / AuditEvent nodes over, delete them and their indexes from the graph."""
    moved = Moved(keys=_move_keys(), events=_move_events())
    existing = {r["name"] for r in driver.read("SHOW INDEXES YIELD name RETURN name")}
    existing |= {r["name"] for r in driver.read("SHOW CONSTRAINTS YIELD name RETURN name")}
    for name in _LEGACY_SCHEMA:
        if name in existing:
            kind = "CONSTRAINT" if name.startswith("apikey") else "INDEX"
            driver.write(f"DROP {kind} {name} IF EXISTS")  # names are our constants, never input
    if moved.keys or moved.events:
        log.info(
            "moved %d API key(s) and %d audit event(s) from Neo4j to the application database",
            moved.keys,
            moved.events,
        )
    return moved
