"""KubernetesClusterRoleBinding: ROLE_REF to its ClusterRole, SUBJECT to each subject."""

from __future__ import annotations

from graph.schema.k8s.bindings import KUBERNETES_CLUSTER_ROLE_BINDING
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, sync_k8s
from ingest.k8s.rolebindings import binding_row
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "clusterrolebindings")


def transform(items: Items, cluster: str) -> Transformed:
    rows = [
        binding_row(
            i,
            cluster,
            f"{cluster}/{i['metadata']['name']}",
            f"{cluster}/{(i.get('roleRef') or {}).get('name')}",
        )
        for i in items
    ]
    return Transformed({KUBERNETES_CLUSTER_ROLE_BINDING: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_CLUSTER_ROLE_BINDING],
    )


MODULE = Module("k8s", "clusterrolebindings", sync, (KUBERNETES_CLUSTER_ROLE_BINDING,))
