"""The findings of one control run, with their control, ready for any export format.

A control run exports what it saw (open, new, reopened, muted, accepted findings: the same iteration as
the SARIF output, ``findings_for``) plus the findings it resolved (``resolved_at`` = the run's time), so a
receiving system closes them. An erroring control resolves nothing (queries/findings.py), so nothing of it
is closed here either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph import driver
from queries.findings import findings_for
from queries.models import Control

PRODUCT = "invgraph"
VENDOR = "invgraph"
VERSION = "0.1.0"


@dataclass(frozen=True)
class ExportFinding:
    id: str  # sha256 of control id + identity: stable across runs (queries/findings.py)
    control: Control
    asset_id: str
    asset_name: str
    label: str
    scope: str | None
    reason: str
    lifecycle: str  # new | open | reopened | resolved
    suppression: str | None  # muted | accepted | None
    suppression_reason: str | None
    first_seen: datetime
    last_seen: datetime
    run_id: str
    run_at: datetime

    @property
    def active(self) -> bool:
        return self.lifecycle != "resolved"

    @property
    def summary(self) -> str:
        return f"{self.label} {self.asset_name} ({self.asset_id}) in {self.scope}: {self.reason}"


def _dt(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def latest_control_run() -> str | None:
    rows = driver.read("MATCH (r:ControlRun) RETURN r.id AS id ORDER BY r.at DESC LIMIT 1")
    return rows[0]["id"] if rows else None


def collect(controls: dict[str, Control], control_run_id: str | None = None) -> list[ExportFinding]:
    """The findings of a control run (default: the latest); raises LookupError when there is none."""
    run_id = control_run_id or latest_control_run()
    runs = driver.read("MATCH (r:ControlRun {id: $id}) RETURN toString(r.at) AS at", {"id": run_id})
    if not run_id or not runs:
        raise LookupError(
            f"no control run {control_run_id!r}"
            if control_run_id
            else "no control run yet: run `invgraph controls run` first"
        )
    run_at = _dt(runs[0]["at"])
    seen = [f for fs in findings_for(run_id).values() for f in fs]
    resolved = driver.read(
        """
        MATCH (r:ControlRun {id: $id}), (f:Finding {state: 'resolved'}) WHERE f.resolved_at = r.at
        RETURN f {.id, .control_id, .asset_id, .asset_name, .label, .scope, .reason, .state, .suppression,
                  .suppression_reason, first_seen: toString(f.first_seen),
                  last_seen: toString(f.last_seen)} AS f
        """,
        {"id": run_id},
    )
    out = []
    for f in seen + [{**r["f"], "lifecycle": "resolved"} for r in resolved]:
        control = controls.get(f["control_id"])
        if control is None:  # a control removed from the catalogue since: nothing to describe it with
            continue
        out.append(
            ExportFinding(
                id=f["id"],
                control=control,
                asset_id=str(f["asset_id"]),
                asset_name=str(f.get("asset_name") or f["asset_id"]),
                label=str(f.get("label") or ""),
                scope=f.get("scope"),
                reason=str(f.get("reason") or ""),
                lifecycle=f.get("lifecycle") or f["state"],
                suppression=f.get("suppression"),
                suppression_reason=f.get("suppression_reason"),
                first_seen=_dt(f["first_seen"]),
                last_seen=_dt(f["last_seen"]),
                run_id=run_id,
                run_at=run_at,
            )
        )
    return sorted(out, key=lambda x: (x.control.id, x.asset_id))
