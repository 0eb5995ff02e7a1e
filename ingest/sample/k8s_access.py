"""How workloads are reached (Services) and who may act (RBAC roles, bindings, subjects)."""

from __future__ import annotations

from typing import Any

from ingest.sample.context import Ctx
from ingest.sample.k8s_objects import ResourceVersions, Workload, meta, obj


def service(
    ctx: Ctx,
    rv: ResourceVersions,
    w: Workload,
    lb_hostname: str | None = None,
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    cluster_ip = f"172.20.{ctx.ids.rng.randint(0, 255)}.{ctx.ids.rng.randint(1, 254)}"
    port: dict[str, Any] = {
        "name": "http",
        "port": 443 if lb_hostname else 80,
        "protocol": "TCP",
        "targetPort": w.port,
    }
    spec: dict[str, Any] = {
        "clusterIP": cluster_ip,
        "clusterIPs": [cluster_ip],
        "internalTrafficPolicy": "Cluster",
        "ipFamilies": ["IPv4"],
        "ipFamilyPolicy": "SingleStack",
        "ports": [port],
        "selector": w.labels,
        "sessionAffinity": "None",
        "type": "ClusterIP",
    }
    status: dict[str, Any] = {"loadBalancer": {}}
    if lb_hostname:
        port["nodePort"] = ctx.ids.rng.randint(30000, 32767)
        spec.update(
            {
                "allocateLoadBalancerNodePorts": True,
                "externalTrafficPolicy": "Cluster",
                "type": "LoadBalancer",
            }
        )
        status = {"loadBalancer": {"ingress": [{"hostname": lb_hostname}]}}
    return obj(
        "v1", "Service", meta(ctx, rv, w.name, w.namespace, w.labels, annotations), spec=spec, status=status
    )


def rule(groups: list[str], resources: list[str], verbs: list[str]) -> dict[str, Any]:
    return {"apiGroups": groups, "resources": resources, "verbs": verbs}


def subject(kind: str, name: str, namespace: str | None = None) -> dict[str, str]:
    s = {"kind": kind, "name": name}
    if kind == "ServiceAccount":
        s["namespace"] = namespace or "default"
    else:
        s["apiGroup"] = "rbac.authorization.k8s.io"
    return s


def binding(
    ctx: Ctx,
    rv: ResourceVersions,
    kind: str,
    name: str,
    role_kind: str,
    role: str,
    subjects: list[dict[str, str]],
    namespace: str | None = None,
    days_old: float = 100,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    return obj(
        "rbac.authorization.k8s.io/v1",
        kind,
        meta(ctx, rv, name, namespace, labels, days_old=days_old),
        roleRef={"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role},
        subjects=subjects,
    )
