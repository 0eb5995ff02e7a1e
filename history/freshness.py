"""How fresh an answer is: the finished ingest run it reflects, and when the data of the modules that run
did not collect (or collected only in part) was last collected.

"Finished" is ``ok`` or ``partial``: the load committed. A ``running`` run is never the one an answer
reflects (its writes may be half done), and a ``failed`` one loaded nothing usable, so the graph still shows
the run before it. A module × scope whose status in the reflected run is not ``ok`` keeps the data of its
last ``ok`` collection (not collected is never deleted, ingest/core.py), and that collection is what the
answer names: ``last_collected_at`` / ``last_collected_run_id``, both null when it was never collected.
Scoped keys see only the modules of their scopes (graph/scopes.py).
"""

from __future__ import annotations

from typing import Any

from graph import driver
from graph.scopes import scope_in

FINISHED = ("ok", "partial")

_QUERY = f"""
OPTIONAL MATCH (r:IngestRun) WHERE r.status IN $finished AND ($run IS NULL OR r.id = $run)
WITH r ORDER BY r.started_at DESC LIMIT 1
OPTIONAL MATCH (r)-[:HAS_MODULE]->(m:IngestModuleRun) WHERE m.status <> 'ok' AND {scope_in("m.scope")}
CALL (r, m) {{
  OPTIONAL MATCH (p:IngestRun)-[:HAS_MODULE]->(pm:IngestModuleRun {{name: m.name, scope: m.scope}})
  WHERE pm.status = 'ok' AND p.started_at < r.started_at
  RETURN p ORDER BY p.started_at DESC LIMIT 1
}}
WITH r, m, p ORDER BY m.scope, m.name
RETURN r.id AS run_id, toString(r.collected_at) AS collected_at, toString(r.finished_at) AS finished_at,
       collect(CASE WHEN m IS NULL THEN null ELSE {{module: m.name, scope: m.scope, status: m.status,
               last_collected_run_id: p.id, last_collected_at: toString(p.collected_at)}} END) AS stale
"""


def freshness(run_id: str | None = None, allowed: list[str] | None = None) -> dict[str, Any]:
    """``{ingest_run_id, collected_at, finished_at, stale_modules}`` of ``run_id`` (when finished) or of the
    latest finished run; the ids are null when no run has finished yet."""
    rows = driver.read(_QUERY, {"run": run_id, "finished": list(FINISHED), "allowed": allowed})
    row = rows[0] if rows else {}
    return {
        "ingest_run_id": row.get("run_id"),
        "collected_at": row.get("collected_at"),
        "finished_at": row.get("finished_at"),
        "stale_modules": [s for s in row.get("stale") or [] if s is not None],
    }
