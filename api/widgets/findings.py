"""Findings widgets: by severity, by domain, by maturity, and control pass rates with their trend.

Source: `(:Finding {control_id, severity, state, suppression})` and
`(:ControlRun)-[:HAS_RESULT]->(:ControlResult {control_id, status, evaluated, failed, unknown, error})`
written by
queries/findings.py. "open" means new, open or reopened and not muted/accepted — the same reading as
`queries.findings.findings_for`, where a live suppression wins over the lifecycle state.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

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

_NO_RUN = "no control run yet: findings appear after the controls ran once"

_TALLY = """
MATCH (f:Finding)
RETURN f.control_id AS control_id, f.severity AS severity,
       sum(CASE WHEN f.state <> 'resolved' AND f.suppression IS NULL THEN 1 ELSE 0 END) AS open,
       sum(CASE WHEN f.state <> 'resolved' AND f.suppression IS NOT NULL THEN 1 ELSE 0 END) AS suppressed,
       sum(CASE WHEN f.state = 'resolved' THEN 1 ELSE 0 END) AS resolved
"""


def _ready() -> bool:
    return "ControlRun" in labels_present("ControlRun")


def _tally() -> list[dict[str, Any]]:
    """Counts per (control, severity): small (controls × severities rows), grouped further in Python."""
    return driver.read(_TALLY)


def _add(acc: dict[str, int], row: dict[str, Any]) -> None:
    for k in ("open", "suppressed", "resolved"):
        acc[k] = acc.get(k, 0) + int(row[k])


def findings_by_severity(marker: RunMarker) -> FindingsBySeverity:
    ready = _ready()
    acc: dict[str, dict[str, int]] = {s: {} for s in SEVERITIES}
    for row in _tally() if ready else []:
        _add(acc.setdefault(row["severity"] or "info", {}), row)
    rows = [SeverityCount(severity=s, open=a.get("open", 0), suppressed=a.get("suppressed", 0),
                          resolved=a.get("resolved", 0)) for s, a in acc.items()]
    return FindingsBySeverity(**header("findings-by-severity", marker, ready, _NO_RUN),
                              total_open=sum(r.open for r in rows), severities=rows)


def _grouped(key: str) -> tuple[dict[Any, dict[str, int]], dict[Any, int], bool]:
    """Findings tallies and catalogue control counts grouped by a metadata field (domain or maturity)."""
    meta = controls()
    unknown: Any = "unknown" if key == "domain" else 0
    acc: dict[Any, dict[str, int]] = defaultdict(dict)
    n_controls: dict[Any, int] = defaultdict(int)
    for control in meta.values():
        n_controls[getattr(control, key)] += 1
        acc[getattr(control, key)]  # every group of the catalogue is listed, even without findings
    ready = _ready()
    for row in _tally() if ready else []:
        info = meta.get(row["control_id"])
        _add(acc[getattr(info, key) if info else unknown], row)
    return acc, n_controls, ready


def findings_by_domain(marker: RunMarker) -> FindingsByDomain:
    acc, n, ready = _grouped("domain")
    rows = [DomainCount(domain=d, controls=n.get(d, 0), open=a.get("open", 0),
                        suppressed=a.get("suppressed", 0), resolved=a.get("resolved", 0))
            for d, a in sorted(acc.items())]
    return FindingsByDomain(**header("findings-by-domain", marker, ready, _NO_RUN), domains=rows)


def findings_by_maturity(marker: RunMarker) -> FindingsByMaturity:
    acc, n, ready = _grouped("maturity")
    rows = [MaturityCount(maturity=m, controls=n.get(m, 0), open=a.get("open", 0),
                          suppressed=a.get("suppressed", 0), resolved=a.get("resolved", 0))
            for m, a in sorted(acc.items())]
    return FindingsByMaturity(**header("findings-by-maturity", marker, ready, _NO_RUN), levels=rows)


_RESULTS = """
MATCH (r:ControlRun) WHERE r.at IS NOT NULL
WITH r ORDER BY r.at DESC LIMIT $runs
MATCH (r)-[:HAS_RESULT]->(c:ControlResult)
RETURN r.id AS run_id, toString(r.at) AS at, c.control_id AS control_id, c.status AS status,
       c.evaluated AS evaluated, c.failed AS failed, coalesce(c.unknown, 0) AS unknown, c.error AS error
ORDER BY r.at
"""


def _rate(evaluated: int | None, failed: int) -> float | None:
    if not evaluated:
        return None
    return round(max(evaluated - failed, 0) / evaluated, 4)


def control_pass_rates(marker: RunMarker, runs: int = 10) -> ControlPassRates:
    ready = _ready()
    trends: dict[str, list[PassRatePoint]] = defaultdict(list)
    errors: dict[str, str | None] = {}  # control -> error message of its latest run
    for r in driver.read(_RESULTS, {"runs": runs}) if ready else []:
        failed = int(r["failed"] or 0)
        trends[r["control_id"]].append(PassRatePoint(
            control_run_id=r["run_id"], at=r["at"], status=r["status"] or "error",
            evaluated=r["evaluated"], failed=failed, unknown=int(r["unknown"]),
            pass_rate=_rate(r["evaluated"], failed)))
        errors[r["control_id"]] = r["error"]
    meta = controls()
    rows = []
    for control_id, trend in trends.items():
        last, info = trend[-1], meta.get(control_id)
        rows.append(ControlPassRate(
            control_id=control_id, title=info.title if info else None,
            severity=info.severity if info else None,
            status=last.status, evaluated=last.evaluated, failed=last.failed, unknown=last.unknown,
            error=errors.get(control_id), pass_rate=last.pass_rate, trend=trend))
    # Worst first: failing controls by pass rate, then errors and unknowns, then passing ones.
    rows.sort(key=lambda c: (c.status == "pass", c.status == "unknown",
                             2.0 if c.pass_rate is None else c.pass_rate, c.control_id))
    return ControlPassRates(**header("control-pass-rates", marker, ready, _NO_RUN), runs=runs, controls=rows)
