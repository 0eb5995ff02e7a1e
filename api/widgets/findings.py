"""Findings widgets: by severity, by domain, by maturity, and control pass rates with their trend.

Source: `(:Finding {control_id, severity, state, suppression})` and
`(:ControlRun)-[:HAS_RESULT]->(:ControlResult {control_id, status, evaluated, failed, unknown, error})`
written by
queries/findings.py. "open" means new, open or reopened and not muted/accepted — the same reading as
`queries.findings.findings_for`, where a live suppression wins over the lifecycle state.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from api.scopes import in_scope
from api.widgets.cache import RunMarker
from api.widgets.common import controls, header, labels_present
from api.widgets.models import (
    SEVERITIES,
    ControlPassRate,
    ControlPassRates,
    DomainCount,
    FindingsByDomain,
    FindingsByMaturity,
    FindingsBySeverity,
    MaturityCount,
    PassRatePoint,
    SeverityCount,
)
from graph import driver
from graph.scopes import scope_in

_NO_RUN = "no control run yet: findings appear after the controls ran once"

_TALLY = f"""
MATCH (f:Finding) WHERE {scope_in("f.scope")}
RETURN f.control_id AS control_id, f.severity AS severity,
       sum(CASE WHEN f.state <> 'resolved' AND f.suppression IS NULL THEN 1 ELSE 0 END) AS open,
       sum(CASE WHEN f.state <> 'resolved' AND f.suppression IS NOT NULL THEN 1 ELSE 0 END) AS suppressed,
       sum(CASE WHEN f.state = 'resolved' THEN 1 ELSE 0 END) AS resolved
"""


def _ready() -> bool:
    return "ControlRun" in labels_present("ControlRun")


def _tally(allowed: list[str] | None) -> list[dict[str, Any]]:
    """Counts per (control, severity): small (controls × severities rows), grouped further in Python.
    `allowed` (a scoped key's ids): only findings of those scopes."""
    return driver.read(_TALLY, {"allowed": allowed})


def _add(acc: dict[str, int], row: dict[str, Any]) -> None:
    for k in ("open", "suppressed", "resolved"):
        acc[k] = acc.get(k, 0) + int(row[k])


def findings_by_severity(marker: RunMarker, allowed: list[str] | None = None) -> FindingsBySeverity:
    ready = _ready()
    acc: dict[str, dict[str, int]] = {s: {} for s in SEVERITIES}
    for row in _tally(allowed) if ready else []:
        _add(acc.setdefault(row["severity"] or "info", {}), row)
    rows = [
        SeverityCount(
            severity=s,
            open=a.get("open", 0),
            suppressed=a.get("suppressed", 0),
            resolved=a.get("resolved", 0),
        )
        for s, a in acc.items()
    ]
    return FindingsBySeverity(
        **header("findings-by-severity", marker, ready, _NO_RUN),
        total_open=sum(r.open for r in rows),
        severities=rows,
    )


def _grouped(key: str, allowed: list[str] | None) -> tuple[dict[Any, dict[str, int]], dict[Any, int], bool]:
    """Findings tallies and catalogue control counts grouped by a metadata field (domain or maturity)."""
    meta = controls()
    unknown: Any = "unknown" if key == "domain" else 0
    acc: dict[Any, dict[str, int]] = defaultdict(dict)
    n_controls: dict[Any, int] = defaultdict(int)
    for control in meta.values():
        n_controls[getattr(control, key)] += 1
        acc[getattr(control, key)]  # every group of the catalogue is listed, even without findings
    ready = _ready()
    for row in _tally(allowed) if ready else []:
        info = meta.get(row["control_id"])
        _add(acc[getattr(info, key) if info else unknown], row)
    return acc, n_controls, ready


def findings_by_domain(marker: RunMarker, allowed: list[str] | None = None) -> FindingsByDomain:
    acc, n, ready = _grouped("domain", allowed)
    rows = [
        DomainCount(
            domain=d,
            controls=n.get(d, 0),
            open=a.get("open", 0),
            suppressed=a.get("suppressed", 0),
            resolved=a.get("resolved", 0),
        )
        for d, a in sorted(acc.items())
    ]
    return FindingsByDomain(**header("findings-by-domain", marker, ready, _NO_RUN), domains=rows)


def findings_by_maturity(marker: RunMarker, allowed: list[str] | None = None) -> FindingsByMaturity:
    acc, n, ready = _grouped("maturity", allowed)
    rows = [
        MaturityCount(
            maturity=m,
            controls=n.get(m, 0),
            open=a.get("open", 0),
            suppressed=a.get("suppressed", 0),
            resolved=a.get("resolved", 0),
        )
        for m, a in sorted(acc.items())
    ]
    return FindingsByMaturity(**header("findings-by-maturity", marker, ready, _NO_RUN), levels=rows)


_RESULTS = """
MATCH (r:ControlRun) WHERE r.at IS NOT NULL
WITH r ORDER BY r.at DESC LIMIT $runs
MATCH (r)-[:HAS_RESULT]->(c:ControlResult)
RETURN r.id AS run_id, toString(r.at) AS at, c.control_id AS control_id, c.status AS status,
       c.evaluated AS evaluated, c.failed AS failed, coalesce(c.unknown, 0) AS unknown, c.error AS error,
       CASE WHEN $allowed IS NULL THEN null ELSE c.unknown_assets END AS unknown_assets
ORDER BY r.at
"""
# A scoped key: the findings of its scopes each control run saw (one aggregate per run, not per control).
_FAILED_IN_SCOPE = f"""
MATCH (r:ControlRun) WHERE r.at IS NOT NULL
WITH r ORDER BY r.at DESC LIMIT $runs
MATCH (f:Finding)-[:SEEN_IN]->(r) WHERE {scope_in("f.scope")}
RETURN r.id AS run_id, f.control_id AS control_id, count(f) AS failed
"""


def _rate(evaluated: int | None, failed: int) -> float | None:
    if not evaluated:
        return None
    return round(max(evaluated - failed, 0) / evaluated, 4)


def _scoped(r: dict[str, Any], failed: dict[tuple[str, str], int], allowed: list[str]) -> dict[str, Any]:
    """One control result as a scoped key sees it. Failing and undecided assets carry their scope, so
    they are counted within the key's scopes; how many assets a control evaluated per scope is not
    recorded, so `evaluated` and `pass_rate` are null. An error says nothing per scope and stays."""
    n_failed = failed.get((r["run_id"], r["control_id"]), 0)
    unknown = sum(1 for u in json.loads(r["unknown_assets"] or "[]") if in_scope(u.get("scope"), allowed))
    status = r["status"] or "error"
    if status != "error":
        status = "fail" if n_failed else "unknown" if unknown else "pass"
    return {**r, "status": status, "failed": n_failed, "unknown": unknown, "evaluated": None}


def control_pass_rates(
    marker: RunMarker, runs: int = 10, allowed: list[str] | None = None
) -> ControlPassRates:
    ready = _ready()
    trends: dict[str, list[PassRatePoint]] = defaultdict(list)
    errors: dict[str, str | None] = {}  # control -> error message of its latest run
    rows = driver.read(_RESULTS, {"runs": runs, "allowed": allowed}) if ready else []
    if allowed is not None and rows:
        failed = {
            (f["run_id"], f["control_id"]): int(f["failed"])
            for f in driver.read(_FAILED_IN_SCOPE, {"runs": runs, "allowed": allowed})
        }
        rows = [_scoped(r, failed, allowed) for r in rows]
    for r in rows:
        failed_n = int(r["failed"] or 0)
        trends[r["control_id"]].append(
            PassRatePoint(
                control_run_id=r["run_id"],
                at=r["at"],
                status=r["status"] or "error",
                evaluated=r["evaluated"],
                failed=failed_n,
                unknown=int(r["unknown"]),
                pass_rate=_rate(r["evaluated"], failed_n),
            )
        )
        errors[r["control_id"]] = r["error"]
    meta = controls()
    rows = []
    for control_id, trend in trends.items():
        last, info = trend[-1], meta.get(control_id)
        rows.append(
            ControlPassRate(
                control_id=control_id,
                title=info.title if info else None,
                severity=info.severity if info else None,
                status=last.status,
                evaluated=last.evaluated,
                failed=last.failed,
                unknown=last.unknown,
                error=errors.get(control_id),
                pass_rate=last.pass_rate,
                trend=trend,
            )
        )
    # Worst first: failing controls by pass rate, then errors and unknowns, then passing ones.
    rows.sort(
        key=lambda c: (
            c.status == "pass",
            c.status == "unknown",
            2.0 if c.pass_rate is None else c.pass_rate,
            c.control_id,
        )
    )
    return ControlPassRates(**header("control-pass-rates", marker, ready, _NO_RUN), runs=runs, controls=rows)
