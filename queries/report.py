"""The JSON report of a control run, and its table and CSV renderings.

JSON shape (stable contract, consumed by CI and the API):
{"run_id": …, "controls": [{"id", "severity", "status", "evaluated", "failed",
                            "findings": [{"asset_id", "asset_name", "label", "scope", "reason", "state"}]}]}
"""

from __future__ import annotations

import csv
import io
from typing import Any

from queries.findings import finding_id
from queries.models import SEVERITY_ORDER
from queries.runner import ControlResult

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
            }
        )
    return {"run_id": run_id, "controls": controls}


def finding_ids(report: dict[str, Any], results: list[ControlResult]) -> dict[tuple[str, str], str]:
    by_id = {r.control.id: r.control for r in results}
    return {
        (c["id"], f["asset_id"]): finding_id(c["id"], {k: f.get(k) for k in by_id[c["id"]].meta.identity})
        for c in report["controls"]
        for f in c["findings"]
    }


def to_csv(report: dict[str, Any]) -> str:
    """One line per finding (controls without findings get one line with empty asset columns)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run_id", "control_id", "severity", "status", "evaluated", "failed", *FINDING_KEYS])
    for c in report["controls"]:
        head = [report["run_id"], c["id"], c["severity"], c["status"], c["evaluated"], c["failed"]]
        if not c["findings"]:
            writer.writerow(head + [""] * len(FINDING_KEYS))
        for f in c["findings"]:
            writer.writerow(head + [f[k] for k in FINDING_KEYS])
    return out.getvalue()


def summary(report: dict[str, Any]) -> dict[str, int]:
    counts = {"pass": 0, "fail": 0, "error": 0}
    for c in report["controls"]:
        counts[c["status"]] += 1
    return counts
