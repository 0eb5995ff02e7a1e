"""The post-ingest step: recompute effective permissions of the scopes this run collected, store changes.

Registered as the post-ingest step ``privileges`` (history/post_ingest.py; run by pipeline/run.py). A scope
(AWS account, Kubernetes cluster, GCP scope) is recomputed only when the modules that feed its permissions
ran and none of them *failed*: a failed IAM module leaves the previous graph (and so the previous
permissions) in place, and recomputing from a half-loaded graph would read as "lost all permissions".
``partial`` counts as collected: the good rows were loaded and only cleanup was skipped, which can hide a
removal but never invent one.

Providers plug in through ``PROVIDERS``: a ``Provider(name, {<module names>}, compute)`` whose ``compute``
returns ``PrincipalRecord`` s for the given scopes (AWS accounts, clusters, GCP organizations / projects).
For GCP, a missing ``iam-policy`` file makes ``gcp.policy_bindings`` *not collected*: the bindings stay in the
graph, so a recompute (triggered by the other modules) reads the same grants and reports no creep.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from analysis.privileges import store
from analysis.privileges.graph_aws import compute_accounts
from analysis.privileges.graph_gcp import compute_scopes
from analysis.privileges.graph_k8s import compute_clusters
from analysis.privileges.records import PrincipalRecord
from history.post_ingest import PostIngestStep, register
from history.runs import ModuleResult, RunContext, Status

log = logging.getLogger("invgraph.privileges")


@dataclass(frozen=True)
class Provider:
    name: str  # "aws", "k8s", "gcp": the record's provider
    modules: frozenset[str]  # ModuleResult names whose data the permissions are computed from
    compute: Callable[[list[str]], list[PrincipalRecord]]  # scopes -> records of every principal


PROVIDERS: list[Provider] = [
    Provider("aws", frozenset({"aws.iam.policies", "aws.iam.principals"}), compute_accounts),
    Provider(
        "k8s",
        frozenset({"k8s.roles", "k8s.clusterroles", "k8s.rolebindings", "k8s.clusterrolebindings"}),
        compute_clusters,
    ),
    Provider(
        "gcp", frozenset({"gcp.hierarchy", "gcp.service_accounts", "gcp.policy_bindings"}), compute_scopes
    ),
]


def collected_scopes(provider: Provider, results: Iterable[ModuleResult]) -> tuple[list[str], list[str]]:
    """(scopes to recompute, scopes kept because a module failed) for one provider."""
    statuses: dict[str, set[Status]] = defaultdict(set)
    for r in results:
        if r.name in provider.modules:
            statuses[r.scope].add(r.status)
    fresh, kept = [], []
    for scope, seen in sorted(statuses.items()):
        if Status.FAILED in seen:
            kept.append(scope)
        elif seen & {Status.OK, Status.PARTIAL}:
            fresh.append(scope)
    return fresh, kept


@dataclass
class StepReport:
    scopes: dict[str, list[str]] = field(default_factory=dict)  # provider -> recomputed scopes
    kept: dict[str, list[str]] = field(default_factory=dict)  # provider -> scopes left as they were
    principals: int = 0
    changed: int = 0
    removed: int = 0
    seconds: float = 0.0


LAST_REPORT: list[StepReport] = []  # the latest step's report, for benchmarks and debugging


def privileges_step(ctx: RunContext, results: list[ModuleResult]) -> dict[str, Any]:
    """The post-ingest step (see the module docstring); returns the scopes recomputed per provider."""
    start = time.perf_counter()
    store.ensure_schema()
    report = StepReport()
    for provider in PROVIDERS:
        fresh, kept = collected_scopes(provider, results)
        report.scopes[provider.name], report.kept[provider.name] = fresh, kept
        if kept:
            log.warning(
                "privileges: %s scope(s) %s not recomputed (a module failed); previous kept",
                provider.name,
                ", ".join(kept),
            )
        if not fresh:
            continue
        records = provider.compute(fresh)
        by_scope: dict[str, list[PrincipalRecord]] = {s: [] for s in fresh}
        for rec in records:
            by_scope.setdefault(rec.scope, []).append(rec)
        for scope, recs in by_scope.items():
            changed, removed = store.save_changes(ctx.run_id, ctx.update_tag, provider.name, scope, recs)
            report.changed += changed
            report.removed += removed
        store.mark_nodes(records)
        report.principals += len(records)
    report.seconds = time.perf_counter() - start
    LAST_REPORT[:] = [report]
    log.info(
        "privileges: %d principals, %d changed, %d removed in %.1fs",
        report.principals,
        report.changed,
        report.removed,
        report.seconds,
    )
    return {"scopes": {k: v for k, v in report.scopes.items() if v}, "kept": report.kept}


# Before exposure (order 20): exposure paths read the effective permissions this step stores.
STEP = register(PostIngestStep("privileges", privileges_step, order=10))
