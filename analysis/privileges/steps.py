"""The post-ingest step: recompute effective permissions of the scopes this run collected, store changes.

Registered as the post-ingest step ``privileges`` (history/post_ingest.py; run by pipeline/run.py). A scope
(AWS account, Kubernetes cluster, GCP scope, Azure subscription) is recomputed only when the modules that
feed its permissions ran and none of them *failed*: a failed IAM module leaves the previous graph (and so the
previous permissions) in place, and recomputing from a half-loaded graph would read as "lost all permissions".
``partial`` counts as collected: the good rows were loaded and only cleanup was skipped, which can hide a
removal but never invent one.

Providers plug in through ``PROVIDERS``: a ``Provider(name, (<ingest MODULE objects>), compute)`` whose
``compute`` returns ``PrincipalRecord`` s for the given scopes (AWS accounts, clusters, GCP organizations /
projects, Azure ``tenant/subscription`` module scopes, whose records carry the subscription:
``record_scope``). A provider names its modules by object, so renaming a module cannot silently stop a
recompute.
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
from analysis.privileges.graph_azure import compute_subscriptions
from analysis.privileges.graph_gcp import compute_scopes
from analysis.privileges.graph_k8s import compute_clusters
from analysis.privileges.records import PrincipalRecord
from history.post_ingest import PostIngestStep, register
from history.runs import ModuleResult, RunContext, Status
from ingest.aws import iam_policies, iam_principals
from ingest.azure import identities, role_assignments, role_definitions
from ingest.gcp import hierarchy, policy_bindings, service_accounts
from ingest.k8s import clusterrolebindings, clusterroles, rolebindings, roles
from ingest.module import Module

log = logging.getLogger("invgraph.privileges")


@dataclass(frozen=True)
class Provider:
    name: str  # "aws", "k8s", "gcp": the record's provider
    modules: tuple[Module, ...]  # the ingest modules whose data the permissions are computed from
    compute: Callable[[list[str]], list[PrincipalRecord]]  # scopes -> records of every principal
    # A module scope -> the scope its records carry (Azure: ``tenant/subscription`` -> the subscription).
    record_scope: Callable[[str], str] = str

    def module_ids(self) -> frozenset[str]:
        """The ``ModuleResult`` names to watch: each module's own id, so a rename follows the module
        (tests/unit/test_module_identity.py checks every one is the registered module object)."""
        return frozenset(m.id for m in self.modules)


PROVIDERS: list[Provider] = [
    Provider("aws", (iam_policies.MODULE, iam_principals.MODULE), compute_accounts),
    Provider(
        "k8s",
        (roles.MODULE, clusterroles.MODULE, rolebindings.MODULE, clusterrolebindings.MODULE),
        compute_clusters,
    ),
    Provider("gcp", (hierarchy.MODULE, service_accounts.MODULE, policy_bindings.MODULE), compute_scopes),
    Provider(
        "azure",
        (role_definitions.MODULE, role_assignments.MODULE, identities.MODULE),
        compute_subscriptions,
        lambda scope: scope.rsplit("/", 1)[-1],
    ),
]


def collected_scopes(provider: Provider, results: Iterable[ModuleResult]) -> tuple[list[str], list[str]]:
    """(scopes to recompute, scopes kept because a module failed) for one provider."""
    statuses: dict[str, set[Status]] = defaultdict(set)
    watched = provider.module_ids()
    for r in results:
        if r.name in watched:
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
        by_scope: dict[str, list[PrincipalRecord]] = {provider.record_scope(s): [] for s in fresh}
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
