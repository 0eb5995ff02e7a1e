"""KubernetesStatefulSet."""

from __future__ import annotations

from graph.schema.k8s.statefulsets import KUBERNETES_STATEFULSET
from ingest.core import ModuleResult, RunContext
from ingest.k8s.common import Items, sync_k8s, workload_row
from ingest.registry import K8sModule
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "statefulsets")


def transform(items: Items, cluster: str) -> dict:
    rows = []
    for item in items:
        spec, status = item.get("spec") or {}, item.get("status") or {}
        rows.append(
            {
                **workload_row(item),
                "replicas": spec.get("replicas"),
                "ready_replicas": status.get("readyReplicas"),
                "service_name": spec.get("serviceName"),
            }
        )
    return {KUBERNETES_STATEFULSET: rows}


def sync(snap: Snapshot, ctx: RunContext, cluster: str) -> ModuleResult:
    return sync_k8s("k8s.statefulsets", snap, ctx, cluster, get, transform, [KUBERNETES_STATEFULSET])


MODULE = K8sModule("statefulsets", sync, schemas=(KUBERNETES_STATEFULSET,))
