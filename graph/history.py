"""History that survives cleanup: what each run added, changed and removed.

Recorded after every ingest from what the loader and the cleanup already know, so the cost is
proportional to what changed, not to the graph size:

* ``(:AssetChange {run_id, asset_id, label, kind, scope, changes, before})`` — kind ``added`` /
  ``changed`` / ``removed``; ``changes`` is a JSON list of ``{property, before, after}``;
* ``(:RelChange {run_id, start, type, end, kind})`` — relationships that appeared (``firstseen`` equal to
  the run's update tag, found through the relationship indexes) or were swept by cleanup.

Bookkeeping properties (``firstseen``, ``lastupdated``, the fingerprint) never count as changes. A module
that was not collected or failed runs no cleanup, so it can never produce removals.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from graph import driver
from graph.schema.loader import NodeChange
from graph.schema.model import NodeSchema

HISTORY_SCHEMA = [
    "CREATE INDEX assetchange_run IF NOT EXISTS FOR (c:AssetChange) ON (c.run_id)",
    "CREATE INDEX assetchange_asset IF NOT EXISTS FOR (c:AssetChange) ON (c.asset_id)",
    "CREATE INDEX relchange_run IF NOT EXISTS FOR (c:RelChange) ON (c.run_id)",
]
# Owner edges duplicate the node's own added/removed record; leaving them out keeps drift readable.
IGNORED_REL_TYPES = {"RESOURCE"}
_BATCH = 5000


def ensure_schema() -> None:
    for stmt in HISTORY_SCHEMA:
        driver.write(stmt)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def property_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    keys = sorted(set(before) | set(after))
    return [
        {"property": k, "before": before.get(k), "after": after.get(k)}
        for k in keys
        if _json(before.get(k)) != _json(after.get(k))
    ]


def change_rows(run_id: str, scope: str, changes: Iterable[NodeChange]) -> Iterator[dict[str, Any]]:
    for c in changes:
        if c.added:
            yield {"run_id": run_id, "asset_id": c.id, "label": c.label, "kind": "added", "scope": scope,
                   "changes": None, "before": None}
            continue
        diff = property_changes(c.before or {}, c.after or {})
        if diff:  # a fingerprint can move without a visible change (e.g. list order); skip those
            yield {"run_id": run_id, "asset_id": c.id, "label": c.label, "kind": "changed", "scope": scope,
                   "changes": _json(diff), "before": None}


def removal_rows(run_id: str, scope: str, removed: Iterable[tuple[str, list[str], dict[str, Any]]]
                 ) -> Iterator[dict[str, Any]]:
    for asset_id, labels, props in removed:
        yield {"run_id": run_id, "asset_id": asset_id, "label": labels[0] if labels else "", "kind": "removed",
               "scope": scope, "changes": None, "before": _json(props)}


def _write_batches(query: str, rows: Iterable[dict[str, Any]]) -> int:
    batch: list[dict[str, Any]] = []
    total = 0
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            driver.write(query, {"rows": batch})
            total, batch = total + len(batch), []
    if batch:
        driver.write(query, {"rows": batch})
        total += len(batch)
    return total


_ASSET_CHANGE = """
UNWIND $rows AS row
CREATE (:AssetChange {run_id: row.run_id, asset_id: row.asset_id, label: row.label, kind: row.kind,
                      scope: row.scope, changes: row.changes, before: row.before})
"""
_REL_CHANGE = """
UNWIND $rows AS row
CREATE (:RelChange {run_id: row.run_id, start: row.start, type: row.type, end: row.end, kind: row.kind})
"""


def added_relationships(update_tag: int, schemas: Iterable[NodeSchema]) -> list[tuple[str, str, str]]:
    """Relationships first seen in this run, one indexed lookup per relationship type."""
    types = sorted({r.rel_type for s in schemas for r in s.relationships} - IGNORED_REL_TYPES)
    out: list[tuple[str, str, str]] = []
    for rel_type in types:
        # rel_type comes from our frozen schemas, never from input; still checked by the schema layer.
        rows = driver.read(
            f"MATCH (a)-[r:{rel_type}]->(b) WHERE r.firstseen = $tag RETURN a.id AS a, b.id AS b",
            {"tag": update_tag},
        )
        out += [(r["a"], rel_type, r["b"]) for r in rows]
    return out


def record(run_id: str, update_tag: int, results: Iterable[Any], schemas: Iterable[NodeSchema]) -> dict[str, int]:
    """Store the run's node and relationship changes; returns counts per kind."""
    ensure_schema()
    results = list(results)
    node_rows: list[dict[str, Any]] = []
    rel_rows: list[dict[str, Any]] = []
    for res in results:
        node_rows += change_rows(run_id, res.scope, res.changes)
        node_rows += removal_rows(run_id, res.scope, res.removed.removed_nodes)
        rel_rows += [{"run_id": run_id, "start": s, "type": t, "end": e, "kind": "removed"}
                     for s, t, e in res.removed.removed_relationships if t not in IGNORED_REL_TYPES]
    rel_rows += [{"run_id": run_id, "start": s, "type": t, "end": e, "kind": "added"}
                 for s, t, e in added_relationships(update_tag, schemas)]
    _write_batches(_ASSET_CHANGE, node_rows)
    _write_batches(_REL_CHANGE, rel_rows)
    counts: dict[str, int] = {}
    for row in node_rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    counts["relationships"] = len(rel_rows)
    return counts
