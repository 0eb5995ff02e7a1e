"""KubernetesNetworkPolicy and the pods its podSelector selects (computed here from ``pods.json``).

Selectors and rules are stored as JSON in Cartography's snake_case shape. When pods were not collected,
policies still load but cleanup is skipped (the previous APPLIES_TO edges are kept).
"""

from __future__ import annotations

from typing import Any

from graph.schema.k8s.networkpolicies import KUBERNETES_NETWORK_POLICY
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, collected, dumps, meta_row, pods_by_namespace, selector_matches, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> dict[str, Items | None] | None:
    policies = snap.k8s(cluster, "networkpolicies")
    if policies is None:
        return None
    return {"policies": policies, "pods": snap.k8s(cluster, "pods")}


def _selector(sel: dict[str, Any] | None) -> dict[str, Any] | None:
    if sel is None:
        return None
    return {"match_labels": sel.get("matchLabels"), "match_expressions": sel.get("matchExpressions")}


def _peers(peers: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if peers is None:
        return None
    return [
        {
            "ip_block": {"cidr": p["ipBlock"].get("cidr"), "except": p["ipBlock"].get("except")}
            if p.get("ipBlock")
            else None,
            "namespace_selector": _selector(p.get("namespaceSelector")),
            "pod_selector": _selector(p.get("podSelector")),
        }
        for p in peers
    ]


def _ports(ports: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    if ports is None:
        return None
    return [
        {"port": p.get("port"), "protocol": p.get("protocol"), "end_port": p.get("endPort")} for p in ports
    ]


def transform(raw: dict[str, Any], cluster: str) -> Transformed:
    pods = pods_by_namespace(raw["pods"])
    rows = []
    for pol in raw["policies"]:
        row, spec = meta_row(pol), pol.get("spec") or {}
        # Kubernetes' default when policyTypes is unset: Ingress, plus Egress if egress rules exist.
        types = spec.get("policyTypes") or ["Ingress", *(["Egress"] if spec.get("egress") else [])]
        selector = spec.get("podSelector") or {}
        rows.append(
            {
                **row,
                "pod_selector": dumps(_selector(selector)),
                "policy_types": types,
                "ingress_rules": dumps(
                    [
                        {"from": _peers(r.get("from")), "ports": _ports(r.get("ports"))}
                        for r in spec.get("ingress") or []
                    ]
                ),
                "egress_rules": dumps(
                    [
                        {"to": _peers(r.get("to")), "ports": _ports(r.get("ports"))}
                        for r in spec.get("egress") or []
                    ]
                ),
                "restricts_ingress": "Ingress" in types,
                "restricts_egress": "Egress" in types,
                # An empty podSelector selects every pod of the namespace.
                "pod_ids": sorted(
                    uid
                    for uid, labels in pods.get(row["namespace"], [])
                    if selector_matches(selector, labels)
                ),
            }
        )
    return Transformed({KUBERNETES_NETWORK_POLICY: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_NETWORK_POLICY],
        cleanup=collected(snap, cluster, "pods"),
    )


MODULE = Module("k8s", "networkpolicies", sync, (KUBERNETES_NETWORK_POLICY,))
