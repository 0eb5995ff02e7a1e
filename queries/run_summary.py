"""The control results of a run as report lines: pass / fail / unknown / error kept apart.

``control_summary_lines`` is what the nightly report (analysis/report/nightly.py) shows for the newer of
the two ingest runs it compares: the newest control run recorded against ``to_run_id`` (or, on a graph
with no control run for it, the newest control run at all), so an unknown or an error is never folded
into a pass.
"""

from __future__ import annotations

import json
from typing import Any

from graph import driver
from queries.runner import STATUSES

_LATEST = """
MATCH (r:ControlRun)
WITH r ORDER BY (r.ingest_run_id = $to) DESC, r.at DESC LIMIT 1
MATCH (r)-[:HAS_RESULT]->(c:ControlResult)
RETURN r.id AS run_id, r.ingest_run_id AS ingest_run_id, c.control_id AS control_id, c.status AS status,
       coalesce(c.failed, 0) AS failed, coalesce(c.unknown, 0) AS unknown, c.unknown_assets AS unknown_assets,
       c.error AS error
ORDER BY control_id
"""


def latest_results(to_run_id: str | None) -> list[dict[str, Any]]:
    return driver.read(_LATEST, {"to": to_run_id})


def control_summary_lines(to_run_id: str) -> list[str]:
    """One line of totals, then one line per erroring control and per control with unknown assets."""
    rows = latest_results(to_run_id)
    if not rows:
        return []
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in STATUSES}
    lines = [
        f"control run {rows[0]['run_id']}: {counts['pass']} pass, {counts['fail']} fail, "
        f"{counts['unknown']} unknown, {counts['error']} error"
    ]
    for r in rows:
        if r["status"] == "error":
            lines.append(f"error: {r['control_id']}: {r['error']}")
    for r in rows:
        if r["unknown"]:
            missing = sorted(
                {p for u in json.loads(r["unknown_assets"] or "[]") for p in u.get("missing", [])}
            )
            lines.append(
                f"unknown: {r['control_id']}: {r['unknown']} asset(s) undecided, not collected: "
                f"{', '.join(missing)}"
            )
    return lines
