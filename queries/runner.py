"""Run controls against the graph and classify each as pass / fail / error.

A control is ``error`` whenever its query or its evaluated-count query raises, or returns rows that break
the result contract (missing columns, null asset id). It is never reported as ``pass`` on data it could not
read — the habit Prowler's broad ``except`` gets wrong.
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
from queries.models import RESULT_COLUMNS, Control


@dataclass
class ControlResult:
    control: Control
    status: str  # pass | fail | error
    evaluated: int | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    duration_ms: int = 0

    @property
    def failed(self) -> int:
        return len(self.rows)


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


def run_control(
    control: Control, session: Session, params: Mapping[str, Any], timeout: float | None = None
) -> ControlResult:
    began = time.monotonic()
    try:
        rows = session.execute_read(_read_rows(control.query, params, timeout))
        counted = session.execute_read(_read_rows(control.evaluated_query, params, timeout))
        evaluated = int(counted[0]["evaluated"]) if counted else 0
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
    rows = list(unique.values())
    return ControlResult(control, "fail" if rows else "pass", max(evaluated, len(rows)), rows, duration_ms=ms)


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
