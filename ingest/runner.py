"""Ingest one snapshot folder as one run: every provider's modules in order, then the post-ingest steps."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from graph import history, runs
from graph.schema import loader
from ingest import registry
from ingest.core import ModuleResult, RunContext, Status
from ingest.module import GLOBAL, Scope
from ingest.sources.snapshot import Snapshot

log = logging.getLogger("invgraph.ingest")

# Analysis steps run after every load that was not a total failure, in order: effective permissions
# first (exposure paths read them). History is recorded separately, for every run.
PostIngest = Callable[[RunContext, list[ModuleResult]], None]


def _default_steps() -> list[PostIngest]:
    from analysis.exposure.compute import exposure_step
    from analysis.privileges.steps import privileges_step

    return [privileges_step, exposure_step]


POST_INGEST: list[PostIngest] = _default_steps()


@dataclass
class RunReport:
    run_id: str
    status: str
    modules: list[ModuleResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    context: RunContext | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "status": self.status,
            "modules": [m.as_json() for m in self.modules], "skipped_files": self.skipped,
        }

    @property
    def exit_code(self) -> int:
        return {"ok": 0, "partial": 2}.get(self.status, 1)


def _all_schemas() -> list[Any]:
    mods: list[Any] = [*registry.aws_modules(), *registry.k8s_modules(), *registry.gcp_modules()]
    return [s for m in mods for s in m.schemas]


def _jobs(snap: Snapshot, ctx: RunContext) -> list[tuple[str, Callable[[], ModuleResult]]]:
    jobs: list[tuple[str, Callable[[], ModuleResult]]] = []
    for account in snap.aws_accounts():
        regions = snap.aws_regions(account)
        for mod in registry.aws_modules():
            for region in regions if mod.regional else [GLOBAL]:
                scope = Scope(account, region)
                jobs.append((f"aws {account}/{region} {mod.name}", partial(mod.sync, snap, ctx, scope)))
    for cluster in snap.k8s_clusters():
        for kmod in registry.k8s_modules():
            jobs.append((f"k8s {cluster} {kmod.name}", partial(kmod.sync, snap, ctx, Scope(cluster))))
    for owner in snap.gcp_scopes():
        for gmod in registry.gcp_modules():
            jobs.append((f"gcp {owner} {gmod.name}", partial(gmod.sync, snap, ctx, Scope(owner))))
    return jobs


def overall_status(results: list[ModuleResult]) -> str:
    statuses = {r.status for r in results}
    if not results or statuses <= {Status.NOT_COLLECTED}:
        return "failed"
    if Status.FAILED in statuses or Status.PARTIAL in statuses:
        return "failed" if statuses <= {Status.FAILED, Status.NOT_COLLECTED} else "partial"
    return "ok"


def ingest_snapshot(path: Path, show_progress: bool = False) -> RunReport:
    snap = Snapshot(path)
    run_id, tag = runs.new_run(f"snapshot:{path.resolve()}", snap.collected_at)
    ctx = RunContext(run_id, tag, snap.collected_at)
    loader.ensure_indexes(_all_schemas())
    results: list[ModuleResult] = []
    jobs = _jobs(snap, ctx)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), disable=not show_progress, transient=True,
    ) as progress:
        task = progress.add_task("ingest", total=len(jobs))
        for label, job in jobs:
            progress.update(task, description=label)
            results.append(job())
            progress.advance(task)
    skipped = [str(p.relative_to(path)) for p in snap.unclaimed()]
    status = overall_status(results)
    report = RunReport(run_id, status, results, skipped, ctx)
    history.record(run_id, tag, results, _all_schemas())
    if status != "failed":
        for step in POST_INGEST:
            step(ctx, results)
    runs.finish_run(run_id, status, runs.modules_json(results), skipped)
    return report
