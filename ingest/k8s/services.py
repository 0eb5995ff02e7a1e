"""KubernetesService: type, ports, load balancer, and the pods its selector picks (computed here).

The selected pods come from ``pods.json`` of the same cluster: equality selector, same namespace, as the
Service controller does. When pods were not collected, services still load but cleanup is skipped, so the
TARGETS edges of the previous run are kept rather than swept.
"""

from __future__ import annotations

from typing import Any

from graph.schema.k8s.services import KUBERNETES_SERVICE
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, collected, dumps, meta_row, pods_by_namespace, selector_matches, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> dict[str, Items | None] | None:
    services = snap.k8s(cluster, "services")
    if services is None:
        return None
    return {"services": services, "pods": snap.k8s(cluster, "pods")}


def transform(raw: dict[str, Any], cluster: str) -> Transformed:
    pods = pods_by_namespace(raw["pods"])
    rows = []
    for svc in raw["services"]:
        row, spec = meta_row(svc), svc.get("spec") or {}
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        ports = spec.get("ports") or []
        selector = spec.get("selector") or {}
        rows.append(
            {
                **row,
                "qualified_name": f"{row['namespace']}/{row['name']}",
                "composite_id": f"{cluster}/{row['namespace']}/{row['name']}",
                "type": spec.get("type"),
                "selector": dumps(selector),
                "cluster_ip": spec.get("clusterIP"),
                "load_balancer_ip": spec.get("loadBalancerIP"),
                "load_balancer_ingress": dumps(ingress) if spec.get("type") == "LoadBalancer" else None,
                # Lowercased like Cartography: load balancer DNS names are matched case-insensitively by AWS.
                "load_balancer_dns_names": sorted(
                    {i["hostname"].lower() for i in ingress if i.get("hostname")}
                ),
                "load_balancer_ips": sorted({i["ip"] for i in ingress if i.get("ip")}),
                "ports": dumps(ports),
                "port_numbers": sorted({p["port"] for p in ports if p.get("port") is not None}),
                "node_ports": sorted({p["nodePort"] for p in ports if p.get("nodePort") is not None}),
                "external_ips": sorted(spec.get("externalIPs") or []),
                # A Service without a selector selects nothing (its endpoints are managed by hand).
                "pod_ids": sorted(
                    uid
                    for uid, labels in pods.get(row["namespace"], [])
                    if selector and selector_matches({"matchLabels": selector}, labels)
                ),
            }
        )
    return Transformed({KUBERNETES_SERVICE: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_SERVICE],
        cleanup=collected(snap, cluster, "pods"),
    )


MODULE = Module("k8s", "services", sync, (KUBERNETES_SERVICE,))
