"""Cartography's Kubernetes Services read as the rows k8s.py evaluates (k8s.compute calls ``complete``).

Cartography 0.143 stores a Service without its ``spec.ports`` and keeps the provisioned load balancer as
``load_balancer_ingress`` (JSON list of ``{hostname, ip, …}``) instead of our ``load_balancer_dns_names`` /
``_ips``. For such a Service the ports are the ports its target pods' containers declare (Cartography's
``container_ports``, the same JSON shape as ours): the Service forwards to them, so they are what the internet
reaches through its load balancer. A Service whose pods declare no port is exposed on no port we can name and
is reported with the reason, not dropped silently.
"""

from __future__ import annotations

import json
from typing import Any

from graph import driver

DECLARED = """
UNWIND $ids AS sid
MATCH (:KubernetesService {id: sid})-[:TARGETS]->(:KubernetesPod)-[:CONTAINS]->(ct:KubernetesContainer)
RETURN sid, collect(ct.container_ports) AS ports
"""


def _addresses(raw: str | None) -> list[str]:
    try:
        items = json.loads(raw or "null") or []
    except ValueError:
        return []
    pairs = [(item.get("hostname"), item.get("ip")) for item in items if isinstance(item, dict)]
    return [x for pair in pairs for x in pair if x]


def complete(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill ``ports`` and ``addresses`` of the Service rows Cartography wrote (``ports`` null)."""
    missing = [r["id"] for r in rows if r["ports"] is None]
    if not missing:
        return rows
    declared: dict[str, list[dict[str, Any]]] = {}
    for r in driver.read(DECLARED, {"ids": missing}):
        seen = {}
        for raw in r["ports"]:
            for cp in json.loads(raw or "[]"):
                if cp.get("container_port") is not None:
                    port = int(cp["container_port"])
                    proto = cp.get("protocol") or "TCP"
                    seen[(port, proto)] = {"port": port, "targetPort": port, "protocol": proto}
        declared[r["sid"]] = [seen[k] for k in sorted(seen)]
    out = []
    for r in rows:
        if r["ports"] is None:
            r = {
                **r,
                "ports": json.dumps(declared.get(r["id"], [])),
                "addresses": r["addresses"] or _addresses(r.get("lb_ingress")),
            }
        out.append(r)
    return out
