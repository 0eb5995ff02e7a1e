"""KubernetesCluster: one node per cluster folder, id = uid of its kube-system namespace (Cartography).

The name is the folder name, which for EKS equals the EKS cluster name: the schema links the
``EKSCluster`` of that name with MAPS_TO. Cluster nodes are never cleaned up (nor are they in Cartography).
"""

from __future__ import annotations

from typing import Any

from graph.schema.k8s.cluster import KUBERNETES_CLUSTER
from ingest.core import ModuleResult, RunContext, sync_resource
from ingest.k8s.common import Items, epoch
from ingest.registry import K8sModule
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "namespaces")


def transform(namespaces: Items, cluster: str) -> dict:
    kube_system = next((n for n in namespaces if n["metadata"]["name"] == "kube-system"), None)
    if kube_system is None or not kube_system["metadata"].get("uid"):
        raise ValueError(f"k8s/{cluster}/namespaces.json has no kube-system namespace: cluster id unknown")
    meta: dict[str, Any] = kube_system["metadata"]
    return {
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


def sync(snap: Snapshot, ctx: RunContext, cluster: str) -> ModuleResult:
    # The cluster is the owner: no sub-resource, no context, nothing to clean up.
    return sync_resource(
        "k8s.cluster",
        cluster,
        ctx,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_CLUSTER],
        {},
    )


MODULE = K8sModule("cluster", sync, schemas=(KUBERNETES_CLUSTER,))
