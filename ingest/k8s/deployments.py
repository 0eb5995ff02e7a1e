"""KubernetesDeployment. Pods reach it through their ReplicaSet's name (see ingest/k8s/pods.py)."""

from __future__ import annotations

from graph.schema.k8s.deployments import KUBERNETES_DEPLOYMENT
from ingest.core import ModuleResult, RunContext
from ingest.k8s.common import Items, sync_k8s, workload_row
from ingest.registry import K8sModule
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "deployments")


def transform(items: Items, cluster: str) -> dict:
    rows = []
    for item in items:
        spec, status = item.get("spec") or {}, item.get("status") or {}
        rows.append(
            {
                **workload_row(item),
                "replicas": spec.get("replicas"),
                "ready_replicas": status.get("readyReplicas"),
                "available_replicas": status.get("availableReplicas"),
            }
        )
    return {KUBERNETES_DEPLOYMENT: rows}


def sync(snap: Snapshot, ctx: RunContext, cluster: str) -> ModuleResult:
    return sync_k8s("k8s.deployments", snap, ctx, cluster, get, transform, [KUBERNETES_DEPLOYMENT])


MODULE = K8sModule("deployments", sync, schemas=(KUBERNETES_DEPLOYMENT,))
