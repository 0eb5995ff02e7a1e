"""KubernetesNamespace, owned by the cluster, WORKLOAD_PARENT to it (Cartography)."""

from __future__ import annotations

from graph.schema.k8s.namespaces import KUBERNETES_NAMESPACE
from ingest.core import ModuleResult, RunContext
from ingest.k8s.common import Items, dumps, labels_of, meta_row, sync_k8s
from ingest.registry import K8sModule
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "namespaces")


def transform(items: Items, cluster: str) -> dict:
    rows = [
        {
            **meta_row(ns),
            "status_phase": (ns.get("status") or {}).get("phase"),
            "labels": dumps(labels_of(ns)),
        }
        for ns in items
    ]
    return {KUBERNETES_NAMESPACE: rows}


def sync(snap: Snapshot, ctx: RunContext, cluster: str) -> ModuleResult:
    return sync_k8s("k8s.namespaces", snap, ctx, cluster, get, transform, [KUBERNETES_NAMESPACE])


MODULE = K8sModule("namespaces", sync, schemas=(KUBERNETES_NAMESPACE,))
