"""The imported roadmap, kept in Neo4j beside the control runs it is judged against.

(:Roadmap {id: 'current', source, imported_at, columns})-[:HAS_TASK]->(:RoadmapTask {seq, domain, …,
    csa_ccm: [...], controls: [...], extra: JSON of the extra columns})

Neo4j rather than the application database (appdb/): the roadmap is no secret (appdb holds keys and the audit
log because ad-hoc Cypher can read the whole graph), the scorecard and the export read it together with the
control runs and findings that already live here, and `invgraph roadmap` / `invgraph ci` then need only Neo4j.
An import replaces the stored roadmap in one transaction: a failing import leaves the previous one whole.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from neo4j import ManagedTransaction

from graph import driver
from queries.roadmap.model import Roadmap, RoadmapTask

_DELETE = "MATCH (r:Roadmap) OPTIONAL MATCH (r)-[:HAS_TASK]->(t:RoadmapTask) DETACH DELETE t, r"
_CREATE = """
CREATE (r:Roadmap {id: 'current', source: $source, imported_at: datetime($at), columns: $columns})
WITH r
UNWIND $tasks AS t
CREATE (r)-[:HAS_TASK]->(:RoadmapTask {seq: t.seq, domain: t.domain, control: t.control, task: t.task,
  description: t.description, status: t.status, priority: t.priority, maturity: t.maturity, layer: t.layer,
  epic: t.epic, deliverable: t.deliverable, artifact: t.artifact, useful_resources: t.useful_resources,
  metrics: t.metrics, csa_ccm: t.csa_ccm, controls: t.controls, extra: t.extra})
"""
_LOAD = """
MATCH (r:Roadmap {id: 'current'})
OPTIONAL MATCH (r)-[:HAS_TASK]->(t:RoadmapTask)
WITH r, t ORDER BY t.seq
RETURN r.source AS source, toString(r.imported_at) AS imported_at, r.columns AS columns,
       collect(t {.*}) AS tasks
"""


def save(roadmap: Roadmap, at: datetime | None = None) -> None:
    tasks = [
        {**t.to_dict(), "seq": i, "extra": json.dumps(t.extra, ensure_ascii=False)}
        for i, t in enumerate(roadmap.tasks)
    ]
    params = {
        "source": roadmap.source,
        "at": (at or datetime.now(UTC)).isoformat(),
        "columns": roadmap.columns,
        "tasks": tasks,
    }

    def work(tx: ManagedTransaction) -> None:
        tx.run(_DELETE).consume()
        tx.run(_CREATE, params).consume()

    with driver.session() as s:
        s.execute_write(work)


def load() -> Roadmap | None:
    """The imported roadmap, or None when none was imported (the built-in one applies)."""
    rows = driver.read(_LOAD)
    if not rows:
        return None
    r = rows[0]
    tasks = [
        RoadmapTask.from_dict(
            {**{k: v for k, v in t.items() if k != "seq"}, "extra": json.loads(t["extra"] or "{}")}
        )
        for t in r["tasks"]
    ]
    return Roadmap(tasks, list(r["columns"]), r["source"], r["imported_at"])


def reset() -> int:
    """Forget the imported roadmap (the built-in one applies again); returns how many tasks it had."""
    rows = driver.write(
        "MATCH (r:Roadmap) OPTIONAL MATCH (r)-[:HAS_TASK]->(t:RoadmapTask) "
        "WITH r, collect(t) AS ts DETACH DELETE r FOREACH (t IN ts | DETACH DELETE t) RETURN size(ts) AS n"
    )
    return sum(r["n"] for r in rows)
