"""Load one snapshot folder: every provider's modules in order, each through ingest/core.py's skeleton.

Only the load: the run around it (IngestRun, history, post-ingest steps, final status) is pipeline/run.py's.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from typing import Any

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from config import get_settings
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


@dataclass(frozen=True)
class ScopeJob:
    """One scope's modules, run in registry order by one worker (``label`` is its progress line)."""

    label: str
    steps: tuple[Callable[[], ModuleResult], ...]
    after: Callable[[], None] | None = None  # frees what the scope read (Kubernetes lists) when done


def phases(snap: Snapshot, ctx: RunContext) -> list[list[ScopeJob]]:
    """The run as phases of independent scope jobs; a phase starts when the previous one has finished.

    1. AWS account-wide modules (IAM, S3, organizations), every account in order, as one job: trust and
       organization links cross accounts, and regional resources link to roles and instance profiles.
    2. AWS account × region: network, compute and data stores of one region.
    3. Kubernetes clusters (link to EC2 instances, IAM roles and load balancers of phase 1–2).
    4. GCP scopes (an organization folder or a project folder each).
    5. Azure tenants (tenant-wide modules: management groups, subscriptions, Entra, role definitions).
    6. Azure subscriptions (resources of one subscription).
    Within phases 2–6 jobs may run concurrently (``--workers``); with one worker the order is the same.
    """
    aws_global, aws_regional = [], []
    for account in snap.aws_accounts():
        regions = snap.aws_regions(account)
        mods = registry.aws_modules()
        aws_global += [partial(m.sync, snap, ctx, Scope(account, GLOBAL)) for m in mods if not m.regional]
        for region in regions:
            steps = tuple(partial(m.sync, snap, ctx, Scope(account, region)) for m in mods if m.regional)
            aws_regional.append(ScopeJob(f"aws {account}/{region}", steps))
    k8s = [
        ScopeJob(
            f"k8s {c}",
            tuple(partial(m.sync, snap, ctx, Scope(c)) for m in registry.k8s_modules()),
            partial(snap.release_k8s, c),
        )
        for c in snap.k8s_clusters()
    ]
    gcp = [
        ScopeJob(f"gcp {o}", tuple(partial(m.sync, snap, ctx, Scope(o)) for m in registry.gcp_modules()))
        for o in snap.gcp_scopes()
    ]
    azure_tenant, azure_sub = [], []
    for tenant in snap.azure_tenants():  # tenant-wide modules first: subscriptions hang from the tenant
        zmods = registry.azure_modules()
        steps = tuple(partial(m.sync, snap, ctx, Scope(tenant, "")) for m in zmods if not m.regional)
        azure_tenant.append(ScopeJob(f"azure {tenant}", steps))
        for sub in snap.azure_subscriptions(tenant):
            steps = tuple(partial(m.sync, snap, ctx, Scope(tenant, sub)) for m in zmods if m.regional)
            azure_sub.append(ScopeJob(f"azure {tenant}/{sub}", steps))
    aws_first = [ScopeJob("aws account-wide", tuple(aws_global))] if aws_global else []
    out = [aws_first, aws_regional, k8s, gcp, azure_tenant, azure_sub]
    return [p for p in out if p]


def overall_status(results: list[ModuleResult]) -> str:
    statuses = {r.status for r in results}
    if not results or statuses <= {Status.NOT_COLLECTED}:
        return "failed"
    if Status.FAILED in statuses or Status.PARTIAL in statuses:
        return "failed" if statuses <= {Status.FAILED, Status.NOT_COLLECTED} else "partial"
    return "ok"


def _run_job(job: ScopeJob) -> tuple[list[ModuleResult], float]:
    start = time.perf_counter()
    try:
        return [step() for step in job.steps], time.perf_counter() - start
    finally:
        if job.after:
            job.after()


def _scope_line(job: ScopeJob, results: list[ModuleResult], seconds: float) -> str:
    counts = Counter(r.status.value for r in results)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    nodes = sum(r.nodes for r in results)
    return f"{job.label}: {summary or 'nothing to load'}; {nodes:,} nodes in {seconds:.1f}s"


def load_snapshot(
    snap: Snapshot, ctx: RunContext, show_progress: bool = False, workers: int | None = None
) -> list[ModuleResult]:
    """Every module of every account / cluster / GCP scope the folder holds, phase by phase (``phases``);
    ``workers`` scopes at once (default: the ``INVGRAPH_INGEST_WORKERS`` setting). Results come back in
    the phases' order whatever the number of workers, so the run records the same either way."""
    workers = workers or get_settings().ingest.ingest_workers
    loader.ensure_indexes(all_schemas())
    results: list[ModuleResult] = []
    plan = phases(snap, ctx)
    with (
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} scopes"),
            TimeElapsedColumn(),
            disable=not show_progress,
            transient=True,
        ) as progress,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool,
    ):
        task = progress.add_task("ingest", total=sum(len(p) for p in plan))
        for phase in plan:
            futures = {pool.submit(_run_job, job): job for job in phase}
            for future in as_completed(futures):
                job = futures[future]
                out, seconds = future.result()  # Neo4j gone: propagates, the run stays "running"
                if show_progress:
                    progress.console.print(_scope_line(job, out, seconds))
                progress.advance(task)
            for future in futures:  # submission order, not completion order
                results.extend(future.result()[0])
    return results
