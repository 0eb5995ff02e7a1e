"""KubernetesClusterRole: like roles, plus the ``aggregationRule`` (JSON) of aggregated roles."""

from __future__ import annotations

from graph.schema.k8s.roles import KUBERNETES_CLUSTER_ROLE
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, dumps, sync_k8s
from ingest.k8s.roles import role_row
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "clusterroles")


def transform(items: Items, cluster: str) -> Transformed:
    rows = []
    for item in items:
        aggregation = item.get("aggregationRule")
        rows.append(
            {
                **role_row(item, f"{cluster}/{item['metadata']['name']}"),
                # The API server fills an aggregated role's rules from the selected roles, so ``rules`` is
                # already the effective set; the selector is kept to explain where they come from.
                "aggregation_rule": dumps(aggregation) if aggregation else None,
            }
        )
    return Transformed({KUBERNETES_CLUSTER_ROLE: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_CLUSTER_ROLE],
    )


MODULE = Module("k8s", "clusterroles", sync, (KUBERNETES_CLUSTER_ROLE,))
