"""Findings with a stable identity and a lifecycle, stored against the control run that saw them.

(:ControlRun {id, ingest_run_id, at})-[:HAS_RESULT]->(:ControlResult {control_id, status, evaluated, failed,
    unknown, unknown_assets (JSON list of {asset_id, asset_name, label, scope, missing}), error})
(:Finding {id, control_id, asset_id, …, state, first_seen, last_seen})-[:SEEN_IN]->(:ControlRun)

``state`` is the lifecycle (new → open → resolved → reopened → open …); a mute or an acceptance is kept
apart in ``suppression`` so it survives runs and lapses on its own expiry date without losing the lifecycle.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from graph import driver
from queries.runner import ControlResult, EvaluationTarget

SCHEMA = [
    "CREATE CONSTRAINT finding_id IF NOT EXISTS FOR (f:Finding) REQUIRE f.id IS UNIQUE",
    "CREATE CONSTRAINT controlrun_id IF NOT EXISTS FOR (r:ControlRun) REQUIRE r.id IS UNIQUE",
    "CREATE INDEX finding_control IF NOT EXISTS FOR (f:Finding) ON (f.control_id)",
]
SUPPRESSIONS = ("muted", "accepted")


def finding_id(control_id: str, identity: dict[str, Any]) -> str:
    """sha256 of the control id and identity fields: the same asset failing again is the same finding."""
    payload = json.dumps([control_id, sorted(identity.items())], separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def ensure_schema() -> None:
    driver.ensure_schema(SCHEMA)


def record_run(results: list[ControlResult], target: EvaluationTarget, at: datetime | None = None) -> str:
    """Store one control run and advance every finding's lifecycle; returns the control run id."""
    ensure_schema()
    at = at or datetime.now(UTC)
    run_id = f"crun-{at.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:6]}"
    driver.write(
        """
        CREATE (r:ControlRun {id: $id, ingest_run_id: $ingest, at: datetime($at), now: $now})
        WITH r
        UNWIND $results AS c
        CREATE (r)-[:HAS_RESULT]->(:ControlResult {run_id: $id, control_id: c.control_id, status: c.status,
               evaluated: c.evaluated, failed: c.failed, error: c.error, duration_ms: c.duration_ms,
               unknown: c.unknown, unknown_assets: c.unknown_assets})
        """,
        {
            "id": run_id,
            "ingest": target.ingest_run_id,
            "at": at.isoformat(),
            "now": target.now,
            "results": [
                {
                    "control_id": r.control.id,
                    "status": r.status,
                    "evaluated": r.evaluated,
                    "failed": r.failed,
                    "error": r.error,
                    "duration_ms": r.duration_ms,
                    "unknown": r.unknown,
                    "unknown_assets": json.dumps(r.unknown_rows, default=str),
                }
                for r in results
            ],
        },
    )
    _expire_suppressions(at)
    for result in results:
        # An errored control says nothing about its assets: its open findings must not be resolved.
        if result.status != "error":
            _advance(result, run_id, at)
    return run_id


def _advance(result: ControlResult, run_id: str, at: datetime) -> None:
    control = result.control
    rows = [
        {
            "id": finding_id(control.id, {k: row.get(k) for k in control.meta.identity}),
            **row,
            "identity": json.dumps({k: row.get(k) for k in control.meta.identity}, default=str),
        }
        for row in result.rows
    ]
    driver.write(
        """
        MATCH (run:ControlRun {id: $run})
        UNWIND $rows AS row
        MERGE (f:Finding {id: row.id})
        ON CREATE SET f.state = 'new', f.first_seen = datetime($at), f.control_id = $control,
                      f.severity = $severity, f.identity = row.identity
        // reopened_at is set before state so that both read the state of the previous run.
        ON MATCH SET f.reopened_at = CASE f.state WHEN 'resolved' THEN datetime($at) ELSE f.reopened_at END,
                     f.state = CASE f.state WHEN 'resolved' THEN 'reopened' ELSE
                     CASE WHEN f.last_run_id = $run THEN f.state ELSE 'open' END END
        SET f.last_seen = datetime($at), f.last_run_id = $run, f.asset_id = row.asset_id,
            f.asset_name = row.asset_name, f.label = row.label, f.scope = row.scope, f.reason = row.reason,
            f.resolved_at = null
        MERGE (f)-[:SEEN_IN]->(run)
        """,
        {
            "run": run_id,
            "rows": rows,
            "at": at.isoformat(),
            "control": control.id,
            "severity": control.meta.severity.value,
        },
    )
    # An asset now unknown (its data was not collected) keeps its finding as it was: not resolved.
    driver.write(
        """
        MATCH (f:Finding {control_id: $control})
        WHERE f.state <> 'resolved' AND NOT f.id IN $seen AND NOT f.asset_id IN $undecided
        SET f.state = 'resolved', f.resolved_at = datetime($at)
        """,
        {
            "control": control.id,
            "seen": [r["id"] for r in rows],
            "undecided": [u["asset_id"] for u in result.unknown_rows],
            "at": at.isoformat(),
        },
    )


def _expire_suppressions(at: datetime) -> None:
    driver.write(
        """
        MATCH (f:Finding) WHERE f.suppression IS NOT NULL AND f.suppressed_until < date(datetime($at))
        SET f.suppression_expired = f.suppression, f.suppression_expired_at = datetime($at),
            f.suppression = null, f.suppression_reason = null, f.suppression_author = null,
            f.suppressed_until = null
        """,
        {"at": at.isoformat()},
    )


def suppress(fid: str, kind: str, reason: str, author: str, until: date) -> dict[str, Any]:
    """Mute or accept a finding until a date (inclusive), with who and why; raises if it does not exist."""
    if kind not in SUPPRESSIONS:
        raise ValueError(f"kind must be one of {SUPPRESSIONS}")
    if not reason.strip() or not author.strip():
        raise ValueError("a reason and an author are required")
    rows = driver.write(
        """
        MATCH (f:Finding {id: $id})
        SET f.suppression = $kind, f.suppression_reason = $reason, f.suppression_author = $author,
            f.suppressed_until = date($until), f.suppressed_at = datetime()
        RETURN f.id AS id, f.control_id AS control_id, f.asset_id AS asset_id, f.state AS state
        """,
        {"id": fid, "kind": kind, "reason": reason, "author": author, "until": until.isoformat()},
    )
    if not rows:
        raise LookupError(f"no finding {fid!r}")
    return rows[0]


def findings_for(run_id: str) -> dict[str, list[dict[str, Any]]]:
    """The findings a control run saw, by control id, with the state to show (a live suppression wins)."""
    rows = driver.read(
        """
        MATCH (f:Finding)-[:SEEN_IN]->(:ControlRun {id: $run})
        RETURN f {.id, .control_id, .asset_id, .asset_name, .label, .scope, .reason, .state, .suppression,
                  .suppression_reason, .suppression_author, first_seen: toString(f.first_seen),
                  last_seen: toString(f.last_seen), suppressed_until: toString(f.suppressed_until)} AS f
        ORDER BY f.control_id, f.asset_id
        """,
        {"run": run_id},
    )
    out: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        f = r["f"]
        f["lifecycle"] = f["state"]
        if f.get("suppression"):
            f["state"] = f["suppression"]
        out.setdefault(f["control_id"], []).append(f)
    return out
