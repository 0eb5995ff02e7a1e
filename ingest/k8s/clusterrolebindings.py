"""KubernetesClusterRoleBinding: ROLE_REF to its ClusterRole, SUBJECT to each subject."""

from __future__ import annotations

from graph.schema.k8s.bindings import KUBERNETES_CLUSTER_ROLE_BINDING
from ingest.core import ModuleResult, RunContext
from ingest.k8s.common import Items, sync_k8s
from ingest.k8s.rolebindings import binding_row
from ingest.registry import K8sModule
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "clusterrolebindings")


def transform(items: Items, cluster: str) -> dict:
    rows = [
        binding_row(
            i,
            cluster,
            f"{cluster}/{i['metadata']['name']}",
            f"{cluster}/{(i.get('roleRef') or {}).get('name')}",
        )
        for i in items
    ]
    return {KUBERNETES_CLUSTER_ROLE_BINDING: rows}


def sync(snap: Snapshot, ctx: RunContext, cluster: str) -> ModuleResult:
    return sync_k8s(
        "k8s.clusterrolebindings", snap, ctx, cluster, get, transform, [KUBERNETES_CLUSTER_ROLE_BINDING]
    )


MODULE = K8sModule("clusterrolebindings", sync, schemas=(KUBERNETES_CLUSTER_ROLE_BINDING,))
