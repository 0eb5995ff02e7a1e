"""The one writer of history records, and their indexes.

* ``(:AssetChange {run_id, asset_id, label, kind, scope, changes, before, after})`` — kind ``added`` /
  ``changed`` / ``removed``; ``changes`` a JSON list of ``{property, before, after}``, ``before`` / ``after``
  the asset's properties as JSON;
* ``(:RelChange {run_id, start, type, end, kind, scope})`` — a relationship that appeared or went away.

Compacted records (history/retention.py) also carry ``seq`` (their order within the run) and
``compacted: true``; rows without those keys leave the properties unset. Written by an ingest run
(history/changes.py), a snapshot pass (history/snapshot.py) and retention, all through this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph import driver

HISTORY_SCHEMA = [
    "CREATE INDEX assetchange_run IF NOT EXISTS FOR (c:AssetChange) ON (c.run_id)",
    "CREATE INDEX assetchange_asset IF NOT EXISTS FOR (c:AssetChange) ON (c.asset_id)",
    "CREATE INDEX relchange_run IF NOT EXISTS FOR (c:RelChange) ON (c.run_id)",
    # The asset timeline looks relationship changes up by either endpoint.
    "CREATE INDEX relchange_start IF NOT EXISTS FOR (c:RelChange) ON (c.start)",
    "CREATE INDEX relchange_end IF NOT EXISTS FOR (c:RelChange) ON (c.end)",
]
BATCH = 5000

_ASSET_CHANGE = """
UNWIND $rows AS row
CREATE (c:AssetChange {run_id: row.run_id, asset_id: row.asset_id, label: row.label, kind: row.kind,
                       scope: row.scope, changes: row.changes, before: row.before, after: row.after})
SET c.seq = row.seq, c.compacted = row.compacted
"""
_REL_CHANGE = """
UNWIND $rows AS row
CREATE (c:RelChange {run_id: row.run_id, start: row.start, type: row.type, end: row.end, kind: row.kind,
                     scope: row.scope})
SET c.seq = row.seq, c.compacted = row.compacted
"""


def ensure_schema() -> None:
    driver.ensure_schema(HISTORY_SCHEMA)


def _write_batches(query: str, rows: Iterable[dict[str, Any]]) -> int:
    batch: list[dict[str, Any]] = []
    total = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            driver.write(query, {"rows": batch})
            total, batch = total + len(batch), []
    if batch:
        driver.write(query, {"rows": batch})
        total += len(batch)
    return total


def write_asset_changes(rows: Iterable[dict[str, Any]]) -> int:
    """Create one AssetChange per row (keys as in the module docstring); returns how many."""
    return _write_batches(_ASSET_CHANGE, rows)


def write_rel_changes(rows: Iterable[dict[str, Any]]) -> int:
    """Create one RelChange per row (keys as in the module docstring); returns how many."""
    return _write_batches(_REL_CHANGE, rows)
