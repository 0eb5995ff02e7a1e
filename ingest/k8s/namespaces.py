"""KubernetesNamespace, owned by the cluster, WORKLOAD_PARENT to it (Cartography)."""

from __future__ import annotations

from graph.schema.k8s.namespaces import KUBERNETES_NAMESPACE
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, dumps, labels_of, meta_row, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "namespaces")


def transform(items: Items, cluster: str) -> Transformed:
    rows = [
        {
            **meta_row(ns),
            "status_phase": (ns.get("status") or {}).get("phase"),
            "labels": dumps(labels_of(ns)),
        }
        for ns in items
    ]
    return Transformed({KUBERNETES_NAMESPACE: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_NAMESPACE],
    )


MODULE = Module("k8s", "namespaces", sync, (KUBERNETES_NAMESPACE,))
