"""Collect what the nightly report shows; pure data, no formatting.

Exposure and privilege changes come from ``analysis.exposure`` / ``analysis.privileges`` when those modules
offer ``report_section(from_run_id: str, to_run_id: str) -> list[str]`` (one readable line per change).
They are imported under a guard: a missing module or hook gives one "not available" line, never a failure.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph.drift import Filters, drift

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

    @property
    def totals(self) -> dict[str, int]:
        a, r = self.drift["assets"], self.drift["relationships"]
        f = self.drift["findings"]
        return {
            "assets added": len(a["added"]),
            "assets removed": len(a["removed"]),
            "assets changed": len(a["changed"]),
            "relationships added": len(r["added"]),
            "relationships removed": len(r["removed"]),
            "findings new": len(f["new"]),
            "findings resolved": len(f["resolved"]),
            "findings reopened": len(f["reopened"]),
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "generated_at": self.generated_at,
            "totals": self.totals,
            "drift": self.drift,
            "findings_by_severity": self.findings_by_severity,
            "sections": [vars(s) for s in self.extras],
        }


def _extra(module: str, title: str, from_id: str, to_id: str) -> Section:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return Section(title, False, note=f"{title}: not available ({module} is not installed in this build)")
    hook = getattr(mod, "report_section", None)
    if hook is None:
        return Section(title, False, note=f"{title}: not available ({module} has no report_section hook yet)")
    lines = [str(x) for x in hook(from_id, to_id)]
    return Section(title, True, lines, note="" if lines else f"{title}: no changes")


def by_severity(findings: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, int]]:
    counts = {k: Counter(f.get("severity") or "info" for f in v) for k, v in findings.items()}
    sevs = SEVERITIES + sorted({s for c in counts.values() for s in c} - set(SEVERITIES))
    return {s: {k: counts[k][s] for k in ("new", "resolved", "reopened")} for s in sevs}


def build(
    from_ref: str | None = None, to_ref: str | None = None, filters: Filters | None = None
) -> NightlyReport:
    doc = drift(from_ref, to_ref, filters)
    frm, to = doc["from"]["id"], doc["to"]["id"]
    extras = [
        _extra("analysis.exposure", "Exposure changes", frm, to),
        _extra("analysis.privileges", "Privilege changes", frm, to),
        _extra("queries.run_summary", "Control results", frm, to),
    ]
    return NightlyReport(
        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), doc, by_severity(doc["findings"]), extras
    )
