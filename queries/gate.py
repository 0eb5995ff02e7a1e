"""The CI gate: which findings of a control run block a pipeline at a severity threshold.

A finding blocks when its control's severity is at or above ``--fail-on`` and it is not muted or accepted
(a live suppression is a documented decision, not a regression). With ``new_only`` only findings that the
baseline control run did not see block: the baseline is the newest control run recorded against the
previous *finished* ingest run (status ok or partial), so re-running the gate on the same data gives the
same answer. A finding counts as new (fail-safe) when the baseline did not evaluate its control or that
control errored there: nothing says it was present before. Reopened findings are new: they were absent
from the baseline. No baseline at all (the first run) → every finding is new.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph import driver
from queries.findings import SUPPRESSIONS, finding_id
from queries.models import SEVERITY_ORDER, Control

FAIL_ON = ("critical", "high", "medium", "low")

_BASELINE = """
MATCH (cur:ControlRun {id: $run})
OPTIONAL MATCH (ci:IngestRun {id: cur.ingest_run_id})
MATCH (b:ControlRun) WHERE b.id <> cur.id
OPTIONAL MATCH (bi:IngestRun {id: b.ingest_run_id})
WITH cur, ci, b, bi
WHERE CASE WHEN ci IS NULL THEN b.at < cur.at
      ELSE bi IS NOT NULL AND bi.id <> ci.id AND bi.status IN ['ok', 'partial']
           AND bi.started_at < ci.started_at
      END
RETURN b.id AS id, b.ingest_run_id AS ingest_run_id
ORDER BY bi.started_at DESC, b.at DESC LIMIT 1
"""


@dataclass(frozen=True)
class Baseline:
    control_run_id: str | None  # None: no earlier run, every finding is new
    ingest_run_id: str | None
    seen: frozenset[str]  # finding ids the baseline saw
    decided: frozenset[str]  # control ids the baseline evaluated without error

    def describe(self) -> str:
        if self.control_run_id is None:
            return "no earlier finished run with control results: every finding is new"
        return f"new since control run {self.control_run_id} (ingest run {self.ingest_run_id})"


@dataclass(frozen=True)
class Blocking:
    """One finding that fails the gate."""

    finding_id: str
    control_id: str
    severity: str
    asset_id: str
    asset_name: str
    scope: str | None
    reason: str
    state: str


def baseline_for(control_run_id: str) -> Baseline:
    rows = driver.read(_BASELINE, {"run": control_run_id})
    if not rows:
        return Baseline(None, None, frozenset(), frozenset())
    b = rows[0]
    seen = driver.read(
        "MATCH (f:Finding)-[:SEEN_IN]->(:ControlRun {id: $id}) RETURN f.id AS id", {"id": b["id"]}
    )
    decided = driver.read(
        "MATCH (:ControlRun {id: $id})-[:HAS_RESULT]->(r:ControlResult) WHERE r.status <> 'error' "
        "RETURN r.control_id AS c",
        {"id": b["id"]},
    )
    return Baseline(
        b["id"], b["ingest_run_id"], frozenset(r["id"] for r in seen), frozenset(r["c"] for r in decided)
    )


def at_or_above(severity: str, threshold: str) -> bool:
    return SEVERITY_ORDER[severity] <= SEVERITY_ORDER[threshold]


def blocking(
    report: dict[str, Any],
    controls: dict[str, Control],
    fail_on: str,
    baseline: Baseline | None = None,
) -> list[Blocking]:
    """The findings of ``report`` (queries/report.py) that fail the gate; ``baseline`` set = --new-only."""
    if fail_on not in FAIL_ON:
        raise ValueError(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    out: list[Blocking] = []
    for c in report["controls"]:
        if not at_or_above(c["severity"], fail_on):
            continue
        control = controls[c["id"]]
        for f in c["findings"]:
            if f["state"] in SUPPRESSIONS:
                continue
            fid = finding_id(control.id, {k: f.get(k) for k in control.meta.identity})
            if baseline is not None and control.id in baseline.decided and fid in baseline.seen:
                continue
            out.append(
                Blocking(
                    fid,
                    control.id,
                    c["severity"],
                    str(f["asset_id"]),
                    str(f["asset_name"]),
                    f.get("scope"),
                    str(f["reason"]),
                    f["state"],
                )
            )
    return out


def verdict_lines(found: list[Blocking], fail_on: str, baseline: Baseline | None) -> list[str]:
    """What a pipeline log shows: the verdict, then one line per blocking finding."""
    scope = f"new {fail_on}-or-above" if baseline is not None else f"{fail_on}-or-above"
    head = f"gate: {'FAILED' if found else 'passed'}: {len(found)} {scope} finding(s)"
    if baseline is not None:
        head += f" ({baseline.describe()})"
    lines = [head]
    lines += [
        f"  {b.severity}: {b.control_id}: {b.asset_name} ({b.asset_id}) in {b.scope}: {b.reason} "
        f"[finding {b.finding_id}]"
        for b in found
    ]
    return lines
