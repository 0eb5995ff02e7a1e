"""Ingest runs stored in the graph: ``(:IngestRun)-[:HAS_MODULE]->(:IngestModuleRun)``, and the types a
run is made of (its context, its module results, its post-ingest step outcomes).

A run is created as ``running`` before anything loads, so a run that dies with Neo4j or the process
stays visible; the next run marks such leftovers ``failed`` (interrupted). ``finish_run`` stores the final
status, the module results and the outcome of every step after the load (``steps``: a JSON list of
``{name, status, error, seconds}``, history first, then the post-ingest steps).

The types live here, below ingest and the analyses, because both use them: ingest produces module results,
the analyses read them to know which scopes a run collected (pipeline/run.py wires the two together).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from graph import driver
from graph.schema.loader import CleanupResult, NodeChange
from graph.scopes import scope_in


@dataclass(frozen=True)
class RunContext:
    run_id: str
    update_tag: int  # epoch milliseconds at run start; every node/relationship touched gets it
    collected_at: datetime


class Status(StrEnum):
    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"
    NOT_COLLECTED = "not collected"


@dataclass
class ModuleResult:
    name: str
    scope: str
    status: Status
    nodes: int = 0
    relationships: int = 0
    unchanged: int = 0  # of ``nodes``: marked seen by the incremental load, not rewritten (not stored)
    errors: list[str] = field(default_factory=list)
    labels: tuple[str, ...] = ()  # node labels this module owns (drift ignores removals when not ok)
    changes: list[NodeChange] = field(default_factory=list)
    removed: CleanupResult = field(default_factory=CleanupResult)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "scope": self.scope,
            "status": self.status.value,
            "nodes": self.nodes,
            "relationships": self.relationships,
            "errors": self.errors,
        }


@dataclass
class StepOutcome:
    """What one step after the load did: ``ok``, ``failed`` (with the error) or ``skipped`` (with why)."""

    name: str
    status: str
    error: str | None = None
    seconds: float = 0.0
    summary: dict[str, Any] | None = None  # what the step returned (e.g. the exposure run's counts)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


RUN_SCHEMA = [
    "CREATE CONSTRAINT ingestrun_id IF NOT EXISTS FOR (r:IngestRun) REQUIRE r.id IS UNIQUE",
    "CREATE INDEX ingestrun_started IF NOT EXISTS FOR (r:IngestRun) ON (r.started_at)",
    "CREATE INDEX ingestmodulerun_run IF NOT EXISTS FOR (m:IngestModuleRun) ON (m.run_id)",
]


def ensure_schema() -> None:
    driver.ensure_schema(RUN_SCHEMA)


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


def finish_run(
    run_id: str,
    status: str,
    modules: list[dict[str, Any]],
    skipped: list[str],
    steps: list[StepOutcome] | None = None,
    error: str | None = None,
) -> None:
    driver.write(
        """
        MATCH (r:IngestRun {id: $id})
        SET r.status = $status, r.finished_at = datetime(), r.skipped_files = $skipped,
            r.steps = $steps, r.error = coalesce($error, r.error)
        WITH r
        UNWIND $modules AS m
        CREATE (r)-[:HAS_MODULE]->(:IngestModuleRun {
            run_id: $id, name: m.name, scope: m.scope, status: m.status,
            nodes: m.nodes, relationships: m.relationships, errors: m.errors, labels: m.labels})
        """,
        {
            "id": run_id,
            "status": status,
            "modules": modules,
            "skipped": skipped,
            "steps": json.dumps([o.as_json() for o in steps or []]),
            "error": error,
        },
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
        RETURN r {{.id, .status, .source, .update_tag, .skipped_files, .error, .steps,
                  started_at: toString(r.started_at), finished_at: toString(r.finished_at),
                  collected_at: toString(r.collected_at)}} AS run, modules
        ORDER BY run.started_at DESC
        """,
        {"limit": limit, "allowed": allowed},
    )
    return [
        {
            **r["run"],
            "steps": json.loads(r["run"]["steps"] or "[]"),
            "modules": sorted(r["modules"], key=lambda m: (m["scope"], m["name"])),
        }
        for r in rows
    ]


def modules_json(results: list[ModuleResult]) -> list[dict[str, Any]]:
    return [{**r.as_json(), "labels": list(r.labels)} for r in results]


def dumps(obj: Any) -> str:
    return json.dumps(obj, indent=2, default=str)
