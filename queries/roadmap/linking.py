"""Tasks → controls, and the status and metric each linked task gets from the control evidence.

A task is linked to the controls of its ``Controls`` column when it has one; otherwise to every graded
control of the same domain whose layer meets the task's (``both`` meets either) and that shares a CSA CCM id
with it. The status of a linked task comes from its controls' verdicts in the last N runs:

  DONE         every linked control with evidence passed in each of those runs (muted / accepted counts)
  IN PROGRESS  some pass, in the latest run or in all of them
  NOT STARTED  none passes in the latest run

A task with no linked control, or whose controls have no evidence (never run, nothing of their kind in the
inventory), keeps the status the team set; ``Status Source`` says which is which.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from queries.models import Control
from queries.roadmap.evidence import NO_EVIDENCE, RunEvidence, Verdict, carried
from queries.roadmap.model import LAYER_LABELS, Roadmap, RoadmapTask


@dataclass(frozen=True)
class TaskEvidence:
    linked: list[str]
    status: str
    metrics: str
    source: str  # "evidence" | "manual"


def _layers_meet(task_layer: str, control_layer: str) -> bool:
    return "both" in (task_layer, control_layer) or task_layer == control_layer


def linked_controls(task: RoadmapTask, catalogue: dict[str, Control]) -> list[str]:
    if task.controls:
        return list(task.controls)
    ccm = set(task.csa_ccm)
    return sorted(
        c.id
        for c in catalogue.values()
        if c.meta.severity.value != "info"
        and c.meta.domain.value == task.domain
        and _layers_meet(task.layer, c.meta.layer.value)
        and ccm & set(c.meta.frameworks.csa_ccm)
    )


def judge(task: RoadmapTask, linked: list[str], window: list[dict[str, Verdict]]) -> TaskEvidence:
    """``window``: each control's newest verdict as of each of the last N runs, oldest first."""
    with_evidence = [
        cid for cid in linked if window and cid in window[-1] and window[-1][cid].state not in NO_EVIDENCE
    ]
    if not with_evidence:
        return TaskEvidence(linked, task.status, task.metrics, "manual")
    latest = [window[-1][cid] for cid in with_evidence]
    steady = [
        cid
        for cid in with_evidence
        if all(cid in run and (run[cid].passing or run[cid].state in NO_EVIDENCE) for run in window)
    ]
    passing_now = sum(v.passing for v in latest)
    if len(steady) == len(with_evidence):
        status = "DONE"
    elif passing_now or steady:
        status = "IN PROGRESS"
    else:
        status = "NOT STARTED"
    evaluated = sum(v.evaluated for v in latest)
    failed = sum(min(v.failed, v.evaluated) for v in latest)
    rate = f"{(evaluated - failed) / evaluated:.0%}" if evaluated else "n/a"
    metrics = (
        f"{passing_now}/{len(latest)} controls pass; asset pass rate {rate}; "
        f"{sum(v.open_findings for v in latest)} open finding(s)"
    )
    return TaskEvidence(linked, status, metrics, "evidence")


def export_rows(
    roadmap: Roadmap, catalogue: Iterable[Control], runs: list[RunEvidence], window: int = 3
) -> tuple[list[str], list[dict[str, Any]]]:
    """The export's header and one row per task (header name → value)."""
    controls = {c.id: c for c in catalogue}
    history = carried(runs)[-window:] if window > 0 else []
    header = list(roadmap.columns)
    for name in ("Status", "Metrics"):
        if name not in header:
            header.append(name)
    header += ["Status Source", "Linked Controls"]
    rows = []
    for t in roadmap.tasks:
        ev = judge(t, linked_controls(t, controls), history)
        values = {
            "Domain": t.domain,
            "Control": t.control,
            "Task": t.task,
            "Description": t.description,
            "Status": ev.status,
            "Priority": t.priority,
            "Maturity": t.maturity,
            "Layer": LAYER_LABELS[t.layer],
            "Epic": t.epic,
            "Deliverable": t.deliverable,
            "Artifact": t.artifact,
            "Useful Resources": t.useful_resources,
            "Metrics": ev.metrics,
            "CSA CCM": t.csa_ccm,
            "Controls": t.controls,
            "Status Source": ev.source,
            "Linked Controls": ev.linked,
            **t.extra,
        }
        rows.append(values)
    return header, rows
