"""KubernetesDaemonSet."""

from __future__ import annotations

from graph.schema.k8s.daemonsets import KUBERNETES_DAEMONSET
from ingest.core import ModuleResult, RunContext
from ingest.k8s.common import Items, sync_k8s, workload_row
from ingest.registry import K8sModule
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "daemonsets")


def transform(items: Items, cluster: str) -> dict:
    rows = []
    for item in items:
        status = item.get("status") or {}
        rows.append(
            {
                **workload_row(item),
                "desired_number_scheduled": status.get("desiredNumberScheduled"),
                "number_ready": status.get("numberReady"),
            }
        )
    return {KUBERNETES_DAEMONSET: rows}


def sync(snap: Snapshot, ctx: RunContext, cluster: str) -> ModuleResult:
    return sync_k8s("k8s.daemonsets", snap, ctx, cluster, get, transform, [KUBERNETES_DAEMONSET])


MODULE = K8sModule("daemonsets", sync, schemas=(KUBERNETES_DAEMONSET,))
