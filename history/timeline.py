"""Every recorded change of one asset across runs, oldest first (AssetChange + RelChange by endpoint)."""

from __future__ import annotations

import json
from typing import Any

from graph import driver
from graph.scopes import scope_in


def asset_history(asset_id: str, limit: int = 500, allowed: list[str] | None = None) -> list[dict[str, Any]]:
    """One entry per run that touched the asset: its own change and its relationship changes.
    `allowed` (a scoped API key's ids, graph/scopes.py): only records of those scopes, and nothing at all
    for an asset with no change recorded in them, so an out-of-scope asset reads as unknown."""
    rows = driver.read(
        f"""
        MATCH (c:AssetChange {{asset_id: $id}}) WHERE {scope_in("c.scope")}
        OPTIONAL MATCH (r:IngestRun {{id: c.run_id}})
        RETURN c.run_id AS run_id, toString(r.started_at) AS started_at,
               toString(r.collected_at) AS collected_at,
               c.kind AS kind, c.label AS label, c.scope AS scope, c.changes AS changes, c.before AS before,
               c.after AS after
        """,
        {"id": asset_id, "allowed": allowed},
    )
    if allowed is not None and not rows:
        return []
    rels = driver.read(
        f"""
        CALL () {{
          MATCH (c:RelChange {{start: $id}}) RETURN c
          UNION
          MATCH (c:RelChange {{end: $id}}) RETURN c
        }}
        WITH c WHERE {scope_in("c.scope")}
        OPTIONAL MATCH (r:IngestRun {{id: c.run_id}})
        RETURN c.run_id AS run_id, toString(r.started_at) AS started_at,
               toString(r.collected_at) AS collected_at,
               c.kind AS kind, c.start AS start, c.type AS type, c.end AS end
        """,
        {"id": asset_id, "allowed": allowed},
    )
    by_run: dict[str, dict[str, Any]] = {}
    for row in [*rows, *rels]:
        entry = by_run.setdefault(
            row["run_id"],
            {
                "run_id": row["run_id"],
                "started_at": row["started_at"],
                "collected_at": row["collected_at"],
                "kind": None,
                "label": None,
                "scope": None,
                "changes": [],
                "relationships": [],
            },
        )
        if "start" in row:
            entry["relationships"].append(
                {"kind": row["kind"], "start": row["start"], "type": row["type"], "end": row["end"]}
            )
            continue
        entry.update(kind=row["kind"], label=row["label"], scope=row["scope"])
        if row["changes"]:
            entry["changes"] = json.loads(row["changes"])
        elif row["kind"] == "removed" and row["before"]:
            entry["changes"] = [
                {"property": k, "before": v, "after": None}
                for k, v in sorted(json.loads(row["before"]).items())
            ]
        elif row["kind"] == "added" and row["after"]:
            entry["changes"] = [
                {"property": k, "before": None, "after": v}
                for k, v in sorted(json.loads(row["after"]).items())
            ]
    out = sorted(by_run.values(), key=lambda e: e["started_at"] or "")
    for e in out:
        e["relationships"].sort(key=lambda r: (r["type"], r["start"], r["end"]))
    return out[-limit:]
