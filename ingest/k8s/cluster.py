"""KubernetesCluster: one node per cluster folder, id = uid of its kube-system namespace (Cartography).

The name is the folder name, which for EKS equals the EKS cluster name: the schema links the
``EKSCluster`` of that name with MAPS_TO. Cluster nodes are never cleaned up (nor are they in Cartography).
"""

from __future__ import annotations

from typing import Any

from graph.schema.k8s.cluster import KUBERNETES_CLUSTER
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, epoch, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "namespaces")


def transform(namespaces: Items, cluster: str) -> Transformed:
    kube_system = next((n for n in namespaces if n["metadata"]["name"] == "kube-system"), None)
    if kube_system is None or not kube_system["metadata"].get("uid"):
        raise ValueError(f"k8s/{cluster}/namespaces.json has no kube-system namespace: cluster id unknown")
    meta: dict[str, Any] = kube_system["metadata"]
    return Transformed(
        {
            KUBERNETES_CLUSTER: [
                {
                    "id": meta["uid"],
                    "name": cluster,
                    # Cartography's external_id is the kubeconfig context's cluster (the ARN on EKS); a
                    # snapshot only keeps the cluster name, which is what kubectl shows for non-EKS clusters.
                    "external_id": cluster,
                    "creation_timestamp": epoch(meta.get("creationTimestamp")),
                }
            ]
        }
    )


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    # The cluster is the owner: no sub-resource, no context, nothing to clean up.
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_CLUSTER],
    )


MODULE = Module("k8s", "cluster", sync, (KUBERNETES_CLUSTER,))
