"""`runs`: the most recent ingest runs with their status, module outcome and control run."""

from __future__ import annotations

from api.widgets.cache import RunMarker
from api.widgets.common import header
from api.widgets.models import RunRow, Runs
from graph import driver
from graph.scopes import scope_in

# A scoped key (`$allowed`) sees the runs with a module of its scopes, and only those modules' figures.
_RUNS = f"""
MATCH (r:IngestRun) WHERE r.started_at IS NOT NULL
  AND ($allowed IS NULL
       OR EXISTS {{ MATCH (r)-[:HAS_MODULE]->(sm:IngestModuleRun) WHERE {scope_in("sm.scope")} }})
WITH r ORDER BY r.started_at DESC LIMIT $limit
OPTIONAL MATCH (r)-[:HAS_MODULE]->(m:IngestModuleRun) WHERE {scope_in("m.scope")}
WITH r, count(m) AS modules, sum(CASE WHEN m.status IN ['failed', 'partial'] THEN 1 ELSE 0 END) AS failed,
     sum(coalesce(m.nodes, 0)) AS nodes
OPTIONAL MATCH (c:ControlRun {{ingest_run_id: r.id}})
WITH r, modules, failed, nodes, c ORDER BY c.at DESC
WITH r, modules, failed, nodes, collect(c.id)[0] AS control_run_id
RETURN r.id AS id, r.status AS status, r.source AS source, toString(r.started_at) AS started_at,
       toString(r.finished_at) AS finished_at, toString(r.collected_at) AS collected_at,
       CASE WHEN r.finished_at IS NULL THEN null
            ELSE duration.inSeconds(r.started_at, r.finished_at).milliseconds / 1000.0 END AS duration_s,
       modules, failed, nodes, control_run_id
ORDER BY r.started_at DESC
"""


def runs(marker: RunMarker, limit: int = 10, allowed: list[str] | None = None) -> Runs:
    rows = driver.read(_RUNS, {"limit": limit, "allowed": allowed})
    return Runs(
        **header("runs", marker, bool(rows), "no ingest run yet"),
        runs=[
            RunRow(
                id=r["id"],
                status=r["status"],
                source=r["source"],
                started_at=r["started_at"],
                finished_at=r["finished_at"],
                collected_at=r["collected_at"],
                duration_s=r["duration_s"],
                modules=r["modules"],
                modules_failed=r["failed"],
                nodes=r["nodes"],
                control_run_id=r["control_run_id"],
            )
            for r in rows
        ],
    )
