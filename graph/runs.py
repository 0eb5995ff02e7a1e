"""Ingest runs stored in the graph: ``(:IngestRun)-[:HAS_MODULE]->(:IngestModuleRun)``.

A run is created as ``running`` before anything loads, so a run that dies with Neo4j or the process
stays visible; the next run marks such leftovers ``failed`` (interrupted).
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from graph import driver
from graph.scopes import scope_in

RUN_SCHEMA = [
    "CREATE CONSTRAINT ingestrun_id IF NOT EXISTS FOR (r:IngestRun) REQUIRE r.id IS UNIQUE",
    "CREATE INDEX ingestrun_started IF NOT EXISTS FOR (r:IngestRun) ON (r.started_at)",
    "CREATE INDEX ingestmodulerun_run IF NOT EXISTS FOR (m:IngestModuleRun) ON (m.run_id)",
]


def ensure_schema() -> None:
    for stmt in RUN_SCHEMA:
        driver.write(stmt)


def new_run(source: str, collected_at: datetime) -> tuple[str, int]:
    """Create the run node; returns (run id, update tag)."""
    ensure_schema()
    driver.write(
        "MATCH (r:IngestRun {status: 'running'}) "
        "SET r.status = 'failed', "
        "r.error = 'interrupted: the process or Neo4j stopped before the run finished'"
    )
    update_tag = int(time.time() * 1000)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_id = f"run-{stamp}-{uuid.uuid4().hex[:6]}"
    driver.write(
        "CREATE (:IngestRun {id: $id, update_tag: $tag, source: $source, status: 'running', "
        "started_at: datetime(), collected_at: datetime($collected)})",
        {"id": run_id, "tag": update_tag, "source": source, "collected": collected_at.isoformat()},
    )
    return run_id, update_tag


def finish_run(run_id: str, status: str, modules: list[dict[str, Any]], skipped: list[str]) -> None:
    driver.write(
        """
        MATCH (r:IngestRun {id: $id})
        SET r.status = $status, r.finished_at = datetime(), r.skipped_files = $skipped
        WITH r
        UNWIND $modules AS m
        CREATE (r)-[:HAS_MODULE]->(:IngestModuleRun {
            run_id: $id, name: m.name, scope: m.scope, status: m.status,
            nodes: m.nodes, relationships: m.relationships, errors: m.errors, labels: m.labels})
        """,
        {"id": run_id, "status": status, "modules": modules, "skipped": skipped},
    )


def list_runs(limit: int = 50, allowed: list[str] | None = None) -> list[dict[str, Any]]:
    """Newest first. `allowed` (a scoped API key's ids, graph/scopes.py): only runs with a module of those
    scopes, each with only those modules."""
    rows = driver.read(
        f"""
        MATCH (r:IngestRun)
        WHERE $allowed IS NULL
           OR EXISTS {{ MATCH (r)-[:HAS_MODULE]->(sm:IngestModuleRun) WHERE {scope_in("sm.scope")} }}
        WITH r ORDER BY r.started_at DESC LIMIT $limit
        OPTIONAL MATCH (r)-[:HAS_MODULE]->(m:IngestModuleRun) WHERE {scope_in("m.scope")}
        WITH r, collect(m {{.name, .scope, .status, .nodes, .relationships, .errors}}) AS modules
        RETURN r {{.id, .status, .source, .update_tag, .skipped_files, .error,
                  started_at: toString(r.started_at), finished_at: toString(r.finished_at),
                  collected_at: toString(r.collected_at)}} AS run, modules
        ORDER BY run.started_at DESC
        """,
        {"limit": limit, "allowed": allowed},
    )
    return [
        {**r["run"], "modules": sorted(r["modules"], key=lambda m: (m["scope"], m["name"]))} for r in rows
    ]


def modules_json(results: list[Any]) -> list[dict[str, Any]]:
    return [{**r.as_json(), "labels": list(r.labels)} for r in results]


def dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, default=str)
