"""Collect what the nightly report shows; pure data, no formatting.

Five sections between two runs (a run id or a date each; default the latest run against the one before):
totals, asset drift and findings new / resolved / reopened, exposure change
(analysis.exposure.drift), privilege change with provenance (analysis.privileges.creep) and granted versus
used as of the latest run (analysis.privileges.usage). The report
calls the analyses directly. A section is "not available" only when its data does not exist for these runs
(e.g. no exposure run was computed for one of them), and then says why; an empty section says "no changes
between run A and run B".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from analysis.exposure.drift import NoExposureRun, counts, exposure_drift
from analysis.exposure.paths import ExposureTimeout
from analysis.privileges.creep import CreepError, creep
from analysis.privileges.usage import usage_lines
from analysis.report.lines import exposure_lines, privilege_lines
from history.drift import Filters
from queries.drift import drift
from queries.run_summary import control_summary_lines

SEVERITIES = ["critical", "high", "medium", "low", "info"]


@dataclass
class Section:
    title: str
    available: bool
    lines: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class NightlyReport:
    generated_at: str
    drift: dict[str, Any]
    findings_by_severity: dict[str, dict[str, int]]  # severity -> {"new", "resolved", "reopened"}
    extras: list[Section]
    exposure: dict[str, Any] | None = None  # the exposure change document, when available
    privileges: dict[str, Any] | None = None  # the creep document, when available
    drift_only: bool = False  # `invgraph drift`: the asset / finding sections alone

    @property
    def pair(self) -> str:
        return f"run {self.drift['from']['id']} and run {self.drift['to']['id']}"

    @property
    def totals(self) -> dict[str, int]:
        a, r = self.drift["assets"], self.drift["relationships"]
        f = self.drift["findings"]
        out = {
            "assets added": len(a["added"]),
            "assets removed": len(a["removed"]),
            "assets changed": len(a["changed"]),
            "relationships added": len(r["added"]),
            "relationships removed": len(r["removed"]),
            "findings new": len(f["new"]),
            "findings resolved": len(f["resolved"]),
            "findings reopened": len(f["reopened"]),
        }
        if self.exposure is not None:
            out.update(counts(self.exposure))
        if self.privileges is not None:
            out.update(privilege_counts(self.privileges))
        return out

    def as_json(self) -> dict[str, Any]:
        out = {
            "generated_at": self.generated_at,
            "totals": self.totals,
            "drift": self.drift,
            "findings_by_severity": self.findings_by_severity,
            "sections": [vars(s) for s in self.extras],
        }
        if not self.drift_only:
            out["exposure"] = self.exposure
            out["privileges"] = self.privileges
        return out


def privilege_counts(doc: dict[str, Any]) -> dict[str, int]:
    ps = doc["principals"]
    return {
        "principals with privilege change": len(ps),
        "principals newly admin": sum(1 for p in ps if p["admin_after"] and not p["admin_before"]),
        "permissions gained": sum(len(p["gained"]) for p in ps),
        "permissions lost": sum(len(p["lost"]) for p in ps),
    }


def by_severity(findings: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, int]]:
    counts_ = {k: Counter(f.get("severity") or "info" for f in v) for k, v in findings.items()}
    sevs = SEVERITIES + sorted({s for c in counts_.values() for s in c} - set(SEVERITIES))
    return {s: {k: counts_[k][s] for k in ("new", "resolved", "reopened")} for s in sevs}


def _exposure(frm: str, to: str, filters: Filters, pair: str) -> tuple[Section, dict[str, Any] | None]:
    title = "Exposure changes"
    try:
        doc = exposure_drift(frm, to, account=filters.account, cluster=filters.cluster)
    except NoExposureRun as exc:
        return Section(title, False, note=f"{title}: not available ({exc})"), None
    except ExposureTimeout as exc:
        return Section(title, False, note=f"{title}: not available ({exc})"), None
    lines = exposure_lines(doc)
    return Section(title, True, lines, note="" if lines else f"no exposure changes between {pair}"), doc


def _privileges(frm: str, to: str, filters: Filters, pair: str) -> tuple[Section, dict[str, Any] | None]:
    title = "Privilege changes"
    try:
        doc = creep(frm, to, scope=filters.account or filters.cluster)
    except CreepError as exc:
        return Section(title, False, note=f"{title}: not available ({exc})"), None
    lines = privilege_lines(doc)
    return Section(title, True, lines, note="" if lines else f"no privilege changes between {pair}"), doc


def _usage(filters: Filters) -> Section:
    title = "Granted versus used"
    lines = usage_lines(filters.account or filters.cluster)
    if not lines:
        return Section(title, False, note=f"{title}: not available (no effective permissions computed yet)")
    return Section(title, True, lines)


def _controls(to: str) -> Section:
    title = "Control results"
    lines = control_summary_lines(to)
    if not lines:
        return Section(title, False, note=f"{title}: not available (no control run recorded on this graph)")
    return Section(title, True, lines)


def build(
    from_ref: str | None = None,
    to_ref: str | None = None,
    filters: Filters | None = None,
    drift_only: bool = False,
) -> NightlyReport:
    """The report between two runs; ``drift_only`` leaves out exposure and privileges (`invgraph drift`)."""
    filters = filters or Filters()
    doc = drift(from_ref, to_ref, filters)
    frm, to = doc["from"]["id"], doc["to"]["id"]
    pair = f"run {frm} and run {to}"
    extras: list[Section] = []
    exposure = privileges = None
    if not drift_only:
        exp_section, exposure = _exposure(frm, to, filters, pair)
        priv_section, privileges = _privileges(frm, to, filters, pair)
        extras = [exp_section, priv_section, _usage(filters), _controls(to)]
    return NightlyReport(
        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        doc,
        by_severity(doc["findings"]),
        extras,
        exposure,
        privileges,
        drift_only,
    )
