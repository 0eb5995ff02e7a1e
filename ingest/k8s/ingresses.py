"""KubernetesIngress: rules (JSON), hosts, and TARGETS edges to the backend services of its rules."""

from __future__ import annotations

from typing import Any

from graph.schema.k8s.ingresses import KUBERNETES_INGRESS
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, dumps, meta_row, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

GROUP_ANNOTATION = "alb.ingress.kubernetes.io/group.name"


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "ingresses")


def _backend_service(backend: dict[str, Any] | None) -> str | None:
    backend = backend or {}
    # networking.k8s.io/v1 nests the service; v1beta1 (still in old exports) used serviceName.
    return (backend.get("service") or {}).get("name") or backend.get("serviceName")


def transform(items: Items, cluster: str) -> Transformed:
    rows = []
    for ing in items:
        row, spec = meta_row(ing), ing.get("spec") or {}
        annotations = ing["metadata"].get("annotations") or {}
        rules = spec.get("rules") or []
        default = spec.get("defaultBackend") or spec.get("backend")
        backends = {
            _backend_service(p.get("backend"))
            for r in rules
            for p in (r.get("http") or {}).get("paths") or []
        }
        backends.add(_backend_service(default))
        lb = ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        rows.append(
            {
                **row,
                "ingress_class_name": spec.get("ingressClassName")
                or annotations.get("kubernetes.io/ingress.class"),
                "rules": dumps(rules),
                "default_backend": dumps(default) if default else None,
                "host_names": sorted({r["host"] for r in rules if r.get("host")}),
                "tls_hosts": sorted({h for t in spec.get("tls") or [] for h in t.get("hosts") or []}),
                "annotations": dumps(annotations),
                "ingress_group_name": annotations.get(GROUP_ANNOTATION),
                "load_balancer_dns_names": sorted({i["hostname"].lower() for i in lb if i.get("hostname")}),
                # Backends live in the ingress' namespace; services carry the same composite id.
                "target_service_ids": sorted(f"{cluster}/{row['namespace']}/{b}" for b in backends if b),
            }
        )
    return Transformed({KUBERNETES_INGRESS: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_INGRESS],
    )


MODULE = Module("k8s", "ingresses", sync, (KUBERNETES_INGRESS,))
