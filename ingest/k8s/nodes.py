"""KubernetesNode, linked to its EC2 instance via ``spec.providerID`` (Cartography: IS_INSTANCE).

EKS sets ``providerID`` to ``aws:///<availability-zone>/<instance-id>``; other providers use other schemes
and simply get no instance link.
"""

from __future__ import annotations

from typing import Any

from graph.schema.k8s.nodes import KUBERNETES_NODE
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, dumps, epoch, labels_of, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "nodes")


def ec2_instance_id(provider_id: str | None) -> str | None:
    if not provider_id or not provider_id.startswith("aws://"):
        return None
    last = provider_id.rstrip("/").rsplit("/", 1)[-1]
    return last if last.startswith("i-") else None


def _addresses(status: dict[str, Any], kind: str) -> list[str]:
    return [a["address"] for a in status.get("addresses") or [] if a.get("type") == kind and a.get("address")]


def transform(items: Items, cluster: str) -> Transformed:
    rows = []
    for node in items:
        meta, status = node["metadata"], node.get("status") or {}
        info = status.get("nodeInfo") or {}
        provider_id = (node.get("spec") or {}).get("providerID")
        rows.append(
            {
                "id": f"{cluster}/{meta['name']}",  # Cartography's id: cluster-scoped node name
                "name": meta["name"],
                "creation_timestamp": epoch(meta.get("creationTimestamp")),
                "provider_id": provider_id,
                "instance_id": ec2_instance_id(provider_id),
                "architecture": info.get("architecture"),
                "os": info.get("operatingSystem"),
                "os_image": info.get("osImage"),
                "kernel_version": info.get("kernelVersion"),
                "container_runtime_version": info.get("containerRuntimeVersion"),
                "kubelet_version": info.get("kubeletVersion"),
                "labels": dumps(labels_of(node)),
                "internal_ips": _addresses(status, "InternalIP"),
                "external_ips": _addresses(status, "ExternalIP"),
            }
        )
    return Transformed({KUBERNETES_NODE: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_NODE],
    )


MODULE = Module("k8s", "nodes", sync, (KUBERNETES_NODE,))
