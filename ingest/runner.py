"""Load one snapshot folder: every provider's modules in order, each through ingest/core.py's skeleton.

Only the load: the run around it (IngestRun, history, post-ingest steps, final status) is pipeline/run.py's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from graph.schema import loader
from history.runs import ModuleResult, RunContext, Status
from ingest import registry
from ingest.module import GLOBAL, Scope
from ingest.sources.snapshot import Snapshot

log = logging.getLogger("invgraph.ingest")


def all_schemas() -> list[Any]:
    mods: list[Any] = [*registry.aws_modules(), *registry.k8s_modules(), *registry.gcp_modules()]
    mods += registry.azure_modules()
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
    for tenant in snap.azure_tenants():  # tenant-wide modules first: subscriptions hang from the tenant
        subscriptions = snap.azure_subscriptions(tenant)
        for zmod in sorted(registry.azure_modules(), key=lambda m: m.regional):
            for sub in subscriptions if zmod.regional else [""]:
                where = f"{tenant}/{sub}" if sub else tenant
                jobs.append((f"azure {where} {zmod.name}", partial(zmod.sync, snap, ctx, Scope(tenant, sub))))
    return jobs


def overall_status(results: list[ModuleResult]) -> str:
    statuses = {r.status for r in results}
    if not results or statuses <= {Status.NOT_COLLECTED}:
        return "failed"
    if Status.FAILED in statuses or Status.PARTIAL in statuses:
        return "failed" if statuses <= {Status.FAILED, Status.NOT_COLLECTED} else "partial"
    return "ok"


def load_snapshot(snap: Snapshot, ctx: RunContext, show_progress: bool = False) -> list[ModuleResult]:
    """Every module of every account / cluster / GCP scope / Azure tenant in the folder, in registry order."""
    loader.ensure_indexes(all_schemas())
    results: list[ModuleResult] = []
    jobs = _jobs(snap, ctx)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        disable=not show_progress,
        transient=True,
    ) as progress:
        task = progress.add_task("ingest", total=len(jobs))
        for label, job in jobs:
            progress.update(task, description=label)
            results.append(job())
            progress.advance(task)
    return results
