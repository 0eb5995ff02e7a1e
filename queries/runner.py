"""Run controls against the graph and classify each as pass / fail / unknown / error.

A control is ``error`` whenever one of its queries raises, or returns rows that break the result contract
(missing columns, null asset id). It is never reported as ``pass`` on data it could not read — the habit
Prowler's broad ``except`` gets wrong. Nor on data that was never collected: a node lacking a property the
control ``requires`` (control.yaml) is *unknown*, listed with what is missing, and a failing row for it is
dropped. Status: ``error`` > ``fail`` (some asset fails) > ``unknown`` (none fails, some undecided) >
``pass``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import neo4j
from neo4j import ManagedTransaction, Session

from graph import driver
from queries.models import RESULT_COLUMNS, Control, Requirement

STATUSES = ("pass", "fail", "unknown", "error")
# The owner of a node by its sub-resource relationship (ours and Cartography's): the scope of an unknown.
_UNKNOWN = """
MATCH (n:`{label}`)
WITH n, [p IN $properties WHERE n[p] IS NULL] AS missing WHERE size(missing) > 0
OPTIONAL MATCH (o)-[:RESOURCE]->(n) WHERE o:AWSAccount OR o:KubernetesCluster OR o:GCPProject
   OR o:AzureSubscription
WITH n, missing, head(collect(CASE WHEN o:KubernetesCluster THEN o.name ELSE o.id END)) AS owner
RETURN coalesce(n[$asset_id], n.id) AS asset_id, coalesce(n.name, n[$asset_id], n.id) AS asset_name,
       $label AS label, coalesce(owner, n.cluster_name) AS scope, missing
ORDER BY asset_id
"""


@dataclass
class ControlResult:
    control: Control
    status: str  # pass | fail | unknown | error
    evaluated: int | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    duration_ms: int = 0
    unknown_rows: list[dict[str, Any]] = field(default_factory=list)  # {asset_id, …, missing: [props]}

    @property
    def failed(self) -> int:
        return len(self.rows)

    @property
    def unknown(self) -> int:
        return len(self.unknown_rows)


@dataclass(frozen=True)
class EvaluationTarget:
    """The ingest run a control run evaluates, and the instant its time-dependent controls use as now."""

    ingest_run_id: str | None
    now: int  # epoch seconds


def _read_rows(query: str, params: Mapping[str, Any], timeout: float | None) -> Any:
    @neo4j.unit_of_work(timeout=timeout)
    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        return [r.data() for r in tx.run(query, dict(params))]

    return work


def _check_rows(rows: list[dict[str, Any]]) -> str | None:
    for row in rows:
        missing = [c for c in RESULT_COLUMNS if c not in row]
        if missing:
            return f"result row lacks column(s) {missing}"
        if row["asset_id"] in (None, ""):
            return "result row has a null asset_id"
    return None


def unknown_query(req: Requirement) -> tuple[str, dict[str, Any]]:
    """The query listing nodes of ``req.label`` without every required property (label validated on load)."""
    return _UNKNOWN.format(label=req.label), {
        "properties": list(req.properties),
        "asset_id": req.asset_id,
        "label": req.label,
    }


def _unknowns(control: Control, session: Session, timeout: float | None) -> list[dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for req in control.meta.requires:
        query, params = unknown_query(req)
        for row in session.execute_read(_read_rows(query, params, timeout)):
            seen = out.setdefault(str(row["asset_id"]), {**row, "missing": []})
            seen["missing"] = sorted({*seen["missing"], *row["missing"]})
            if req.why:
                seen["why"] = req.why
    return [out[k] for k in sorted(out)]


def run_control(
    control: Control, session: Session, params: Mapping[str, Any], timeout: float | None = None
) -> ControlResult:
    began = time.monotonic()
    try:
        rows = session.execute_read(_read_rows(control.query, params, timeout))
        counted = session.execute_read(_read_rows(control.evaluated_query, params, timeout))
        evaluated = int(counted[0]["evaluated"]) if counted else 0
        unknown = _unknowns(control, session, timeout)
    except Exception as exc:  # noqa: BLE001 - any failure is this control's error, the others still run
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        return ControlResult(
            control, "error", None, error=message, duration_ms=int((time.monotonic() - began) * 1000)
        )
    problem = _check_rows(rows)
    ms = int((time.monotonic() - began) * 1000)
    if problem:
        return ControlResult(control, "error", evaluated, error=problem, duration_ms=ms)
    # Several rows for one identity would be one finding; keep the first so counts and findings agree.
    unique: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        unique.setdefault(tuple(row.get(k) for k in control.meta.identity), row)
    # A row about an asset whose required data is missing is no verdict: that asset is unknown instead.
    undecided = {str(u["asset_id"]) for u in unknown}
    rows = [r for r in unique.values() if str(r["asset_id"]) not in undecided]
    status = "fail" if rows else "unknown" if unknown else "pass"
    return ControlResult(
        control, status, max(evaluated, len(rows)), rows, duration_ms=ms, unknown_rows=unknown
    )


def control_parameters(
    control: Control, target: EvaluationTarget, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    return {**control.parameters(dict(overrides or {})), "now": target.now}


def run_controls(
    controls: Iterable[Control],
    target: EvaluationTarget,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[ControlResult]:
    overrides = overrides or {}
    with driver.session(read_only=True) as session:
        return [run_control(c, session, control_parameters(c, target, overrides.get(c.id))) for c in controls]


def latest_target(ingest_run_id: str | None = None, now: int | None = None) -> EvaluationTarget:
    """The ingest run to evaluate (the latest finished one by default) and its collection time as now.

    The snapshot's ``collected_at`` is the moment the data describes, so "key older than 90 days" is judged
    against it and a re-run of an old snapshot gives the same answer. Without any ingest run (a graph loaded
    by Cartography, say) the wall clock is used.
    """
    rows = driver.read(
        """
        MATCH (r:IngestRun)
        WHERE ($id IS NULL AND r.status IN ['ok', 'partial']) OR r.id = $id
        RETURN r.id AS id, r.collected_at.epochSeconds AS collected
        ORDER BY r.started_at DESC LIMIT 1
        """,
        {"id": ingest_run_id},
    )
    if ingest_run_id and not rows:
        raise LookupError(f"no ingest run {ingest_run_id!r}")
    run_id = rows[0]["id"] if rows else None
    collected = rows[0]["collected"] if rows else None
    return EvaluationTarget(
        run_id, now if now is not None else int(collected or datetime.now(UTC).timestamp())
    )
