"""`latest-drift`: what the latest ingest run added, removed and changed.

Read straight from the run's `(:AssetChange)` / `(:RelChange)` records (history/changes.py), both indexed on
`run_id`, so the cost follows the size of the change, not of the graph. The full, filterable drift between
any two runs is `GET /api/v1/drift`; this widget is its one-glance summary.
"""

from __future__ import annotations

import json

from api.widgets.cache import RunMarker
from api.widgets.common import header
from api.widgets.models import AssetChangeRow, ChangeCounts, LabelDrift, LatestDrift
from graph import driver
from graph.scopes import scope_in

SAMPLE = 25

# A scoped key (`$allowed`) sees the records whose scope is one of its own (graph/scopes.py).
_ASSETS = (
    f"MATCH (c:AssetChange {{run_id: $run}}) WHERE {scope_in('c.scope')} "
    "RETURN c.label AS label, c.kind AS kind, count(*) AS n"
)
_RELS = (
    f"MATCH (c:RelChange {{run_id: $run}}) WHERE {scope_in('c.scope')} RETURN c.kind AS kind, count(*) AS n"
)
# Removals and changes first: on a normal day they are the interesting part, additions are mostly new pods.
_SAMPLE = f"""
MATCH (c:AssetChange {{run_id: $run}}) WHERE {scope_in("c.scope")}
RETURN c.asset_id AS asset_id, c.label AS label, c.kind AS kind, c.scope AS scope, c.changes AS changes
ORDER BY CASE c.kind WHEN 'removed' THEN 0 WHEN 'changed' THEN 1 ELSE 2 END, c.label, c.asset_id
LIMIT $limit
"""
_EARLIER = (
    "MATCH (r:IngestRun {id: $run}) MATCH (e:IngestRun) WHERE e.started_at < r.started_at "
    "RETURN count(e) > 0 AS earlier"
)


def _counts(rows: list[dict[str, object]]) -> ChangeCounts:
    c = ChangeCounts()
    for r in rows:
        if r["kind"] in ("added", "removed", "changed"):
            setattr(c, str(r["kind"]), getattr(c, str(r["kind"])) + int(r["n"]))  # type: ignore[call-overload]
    return c


def _properties(changes: str | None) -> list[str]:
    try:
        return [str(c["property"]) for c in json.loads(changes or "[]")]
    except (ValueError, TypeError, KeyError):
        return []  # a malformed record should not break the dashboard; the drift endpoint reports it


def latest_drift(marker: RunMarker, allowed: list[str] | None = None) -> LatestDrift:
    run = marker.ingest_run_id
    if run is None:
        return LatestDrift(
            **header("latest-drift", marker, False, "no ingest run yet"),
            run_id=None,
            baseline=False,
            assets=ChangeCounts(),
            relationships=ChangeCounts(),
            by_label=[],
            sample=[],
        )
    asset_rows = driver.read(_ASSETS, {"run": run, "allowed": allowed})
    by_label: dict[str, LabelDrift] = {}
    for r in asset_rows:
        d = by_label.setdefault(r["label"] or "", LabelDrift(label=r["label"] or ""))
        if r["kind"] in ("added", "removed", "changed"):
            setattr(d, r["kind"], getattr(d, r["kind"]) + int(r["n"]))
    sample = [
        AssetChangeRow(
            asset_id=str(r["asset_id"]),
            label=r["label"] or "",
            kind=r["kind"],
            scope=r["scope"],
            properties=_properties(r["changes"]),
        )
        for r in driver.read(_SAMPLE, {"run": run, "limit": SAMPLE, "allowed": allowed})
    ]
    earlier = driver.read(_EARLIER, {"run": run})
    return LatestDrift(
        **header("latest-drift", marker),
        run_id=run,
        baseline=not (earlier and earlier[0]["earlier"]),
        assets=_counts(asset_rows),
        relationships=_counts(driver.read(_RELS, {"run": run, "allowed": allowed})),
        by_label=sorted(by_label.values(), key=lambda d: (-(d.added + d.removed + d.changed), d.label)),
        sample=sample,
    )
