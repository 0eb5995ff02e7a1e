"""The JSON report of a control run, and its table and CSV renderings.

JSON shape (stable contract, consumed by CI and the API; later keys only ever added):
{"run_id": …, "controls": [{"id", "severity", "status", "evaluated", "failed",
                            "findings": [{"asset_id", "asset_name", "label", "scope", "reason", "state"}],
                            "unknown", "unknowns": [{"asset_id", "asset_name", "label", "scope", "missing"}],
                            "error"}]}
``status`` is pass, fail, unknown or error (queries/runner.py); ``error`` is the message of an erroring
control, else null. CSV appends the columns ``unknown``, ``error`` and ``missing``: an unknown asset is one
line with state ``unknown`` and its missing properties.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from queries.findings import finding_id
from queries.models import SEVERITY_ORDER
from queries.runner import STATUSES, ControlResult

FINDING_KEYS = ("asset_id", "asset_name", "label", "scope", "reason", "state")


def build_report(
    run_id: str, results: list[ControlResult], stored: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """Merge what each control returned with the lifecycle state stored for its findings."""
    controls = []
    for r in sorted(results, key=lambda x: (SEVERITY_ORDER[x.control.meta.severity.value], x.control.id)):
        states = {f["id"]: f["state"] for f in stored.get(r.control.id, [])}
        findings = []
        for row in r.rows:
            fid = finding_id(r.control.id, {k: row.get(k) for k in r.control.meta.identity})
            findings.append({**{k: row.get(k) for k in FINDING_KEYS[:-1]}, "state": states.get(fid, "new")})
        controls.append(
            {
                "id": r.control.id,
                "severity": r.control.meta.severity.value,
                "status": r.status,
                "evaluated": r.evaluated,
                "failed": r.failed,
                "findings": findings,
                "unknown": r.unknown,
                "unknowns": [
                    {k: u.get(k) for k in ("asset_id", "asset_name", "label", "scope", "missing", "why")}
                    for u in r.unknown_rows
                ],
                "error": r.error,
            }
        )
    return {"run_id": run_id, "controls": controls}


def to_csv(report: dict[str, Any]) -> str:
    """One line per finding (controls without findings get one line with empty asset columns)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["run_id", "control_id", "severity", "status", "evaluated", "failed", *FINDING_KEYS]
        + ["unknown", "error", "missing"]
    )
    for c in report["controls"]:
        head = [report["run_id"], c["id"], c["severity"], c["status"], c["evaluated"], c["failed"]]
        tail = [c["unknown"], c["error"] or ""]
        if not c["findings"] and not c["unknowns"]:
            writer.writerow(head + [""] * len(FINDING_KEYS) + tail + [""])
        for f in c["findings"]:
            writer.writerow(head + [f[k] for k in FINDING_KEYS] + tail + [""])
        for u in c["unknowns"]:
            row = [u["asset_id"], u["asset_name"], u["label"], u["scope"], unknown_reason(u), "unknown"]
            writer.writerow(head + row + tail + [" ".join(u["missing"])])
    return out.getvalue()


def unknown_reason(u: dict[str, Any]) -> str:
    """One line for an unknown asset: what is missing, and which collector would have written it."""
    why = f" ({u['why']})" if u.get("why") else ""
    return f"not collected: {', '.join(u['missing'])}{why}"


def summary(report: dict[str, Any]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for c in report["controls"]:
        counts[c["status"]] += 1
    return counts
