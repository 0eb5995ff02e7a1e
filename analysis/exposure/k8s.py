"""Kubernetes exposure: LoadBalancer / NodePort Services and provisioned Ingresses → the pods they
select → their containers, honouring NetworkPolicies.

* A LoadBalancer Service (or an Ingress) is internet-facing when its cloud load balancer is: the linked
  ``LoadBalancerV2`` has scheme ``internet-facing``; with no linked LB node, when the Service/Ingress has a
  provisioned address (``load_balancer_dns_names`` / ``_ips``) — the EKS default scheme. A Service whose
  linked LBs are all ``internal`` is not exposed; an Ingress without an address was never provisioned.
* A Service (Ingress) is reported only when at least one backend pod admits the traffic.
* NodePorts (LoadBalancer Services have them too) are exposed when a node of the cluster is an EC2
  instance the internet reaches on that port (network.py decided which ports reach which instance).
* A pod selected by any NetworkPolicy with policyTypes Ingress is protected unless one of those
  policies has a rule admitting every source (no ``from``, or an ipBlock 0.0.0.0/0 / ::/0) on the port.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from analysis.exposure import ports as P
from analysis.exposure.cartography_k8s import complete
from analysis.exposure.model import K8S_ROUTE, AttackGraph, Exposed, Hop, Node
from analysis.exposure.network import Network
from graph import driver

SERVICES = """
MATCH (c:KubernetesCluster)-[:RESOURCE]->(s:KubernetesService) WHERE s.type IN ['LoadBalancer', 'NodePort']
CALL (s) { OPTIONAL MATCH (s)-[:USES_LOAD_BALANCER]->(lb) WHERE lb:LoadBalancerV2 OR lb:AWSLoadBalancerV2
           RETURN collect([lb.id, lb.scheme]) AS lbs }
RETURN s.id AS id, coalesce(s.qualified_name, s.name) AS name, labels(s) AS labels, c.name AS cluster,
    s.type AS type,
       s.ports AS ports, coalesce(s.load_balancer_dns_names, []) + coalesce(s.load_balancer_ips, []) AS
           addresses, lbs, s.load_balancer_ingress AS lb_ingress
"""
INGRESSES = """
MATCH (c:KubernetesCluster)-[:RESOURCE]->(i:KubernetesIngress) WHERE
    size(coalesce(i.load_balancer_dns_names, [])) > 0
CALL (i) { OPTIONAL MATCH (i)-[:USES_LOAD_BALANCER]->(lb:LoadBalancerV2) RETURN collect([lb.id, lb.scheme])
    AS lbs }
CALL (i) { OPTIONAL MATCH (i)-[:TARGETS]->(s:KubernetesService)
           RETURN collect(s {.id, name: coalesce(s.qualified_name, s.name), .ports, labels: labels(s)}) AS
               services }
RETURN i.id AS id, i.namespace + '/' + i.name AS name, labels(i) AS labels, c.name AS cluster,
       i.load_balancer_dns_names AS addresses, size(coalesce(i.tls_hosts, [])) > 0 AS tls, lbs, services
"""
NODE_INSTANCES = """
MATCH (c:KubernetesCluster)-[:RESOURCE]->(:KubernetesNode)-[:IS_INSTANCE]->(i:EC2Instance)
RETURN c.name AS cluster, collect(DISTINCT i.id) AS instances
"""
# Pods of the exposed Services, each with its containers and the ingress-restricting policies selecting it.
PODS = """
UNWIND $ids AS sid
MATCH (:KubernetesService {id: sid})-[:TARGETS]->(p:KubernetesPod)
CALL (p) { OPTIONAL MATCH (p)-[:CONTAINS]->(ct:KubernetesContainer)
           RETURN collect(ct {.id, .name, .container_ports, labels: labels(ct)}) AS containers }
CALL (p) { OPTIONAL MATCH (np:KubernetesNetworkPolicy)-[:APPLIES_TO]->(p) WHERE 'Ingress' IN np.policy_types
           RETURN collect(np {.name, .namespace, .ingress_rules}) AS policies }
RETURN sid, p.id AS id, p.namespace + '/' + p.name AS name, labels(p) AS labels, containers, policies
"""


def _internet_lb(addresses: list[str], lbs: list[list[Any]]) -> str | None:
    known = [(i, s) for i, s in lbs if i]
    if known:
        public = [i for i, s in known if s == "internet-facing"]
        return f"load balancer {public[0]} (internet-facing)" if public else None
    return f"load balancer address {addresses[0]}" if addresses else None


def _named_port(containers: list[dict[str, Any]], target: Any) -> tuple[int | None, str | None]:
    """(container port, container id) serving a Service targetPort (a number or a port name)."""
    for ct in containers:
        for cp in json.loads(ct.get("container_ports") or "[]"):
            if (isinstance(target, str) and cp.get("name") == target) or cp.get("container_port") == target:
                return int(cp["container_port"]), ct["id"]
    return (target, None) if isinstance(target, int) else (None, None)


def _admits(policies: list[dict[str, Any]], port: int | None, name: Any) -> tuple[bool, str]:
    if not policies:
        return True, "no NetworkPolicy restricts its ingress"
    for pol in policies:
        for rule in json.loads(pol.get("ingress_rules") or "[]"):
            peers = rule.get("from")
            anyone = not peers or any(
                (pr.get("ip_block") or {}).get("cidr") in P.WORLD.values() for pr in peers
            )
            ports = rule.get("ports")
            port_ok = not ports or any(
                p.get("port") in (port, name)
                or (
                    port is not None
                    and isinstance(p.get("port"), int)
                    and p["port"] <= port <= (p.get("end_port") or p["port"])
                )
                for p in ports
            )
            if anyone and port_ok:
                return (
                    True,
                    f"NetworkPolicy {pol['namespace']}/{pol['name']} admits any source on {port or name}",
                )
    names = ", ".join(f"{p['namespace']}/{p['name']}" for p in policies)
    return False, f"NetworkPolicy {names} denies internet ingress"


def compute(g: AttackGraph, net: Network) -> None:
    nodes_of = {r["cluster"]: r["instances"] for r in driver.read(NODE_INSTANCES)}
    entry: dict[str, dict[str, Any]] = {}  # service id -> {"ports": [...], "node": Node}
    for s in complete(driver.read(SERVICES)):  # Cartography's Services get ports from their pods
        sports = json.loads(s["ports"] or "[]")
        lb = _internet_lb(s["addresses"], s["lbs"]) if s["type"] == "LoadBalancer" else None
        open_ports = [p for p in sports if lb]
        reasons = (
            [f"Service type LoadBalancer via {lb}, ports {', '.join(str(p['port']) for p in sports)}"]
            if lb
            else []
        )
        for p in sports:  # NodePorts on internet-reachable node instances
            np_ = p.get("nodePort")
            hit = next(
                (
                    i
                    for i in nodes_of.get(s["cluster"], [])
                    if np_ and P.contains(net.instance_ports.get(i, {}).get("tcp", []), int(np_))
                ),
                None,
            )
            if hit:
                open_ports.append(p)
                reasons.append(f"NodePort {np_} reachable on node instance {hit}")
        if not open_ports:
            continue
        node = Node(s["id"], "KubernetesService", s["name"], s["labels"], cluster=s["cluster"])
        lbl = sorted({f"{p['port']}/{str(p.get('protocol') or 'TCP').lower()}" for p in open_ports})
        g.expose(node, "k8s-service", lbl, "; ".join(reasons), weight=0.8)
        entry[s["id"]] = {"ports": open_ports, "node": node}
    for i in driver.read(INGRESSES):
        lb = _internet_lb(i["addresses"], i["lbs"])
        if not lb:
            continue
        node = Node(i["id"], "KubernetesIngress", i["name"], i["labels"], cluster=i["cluster"])
        web = ["443/tcp", "80/tcp"] if i["tls"] else ["80/tcp"]
        g.expose(node, "k8s-ingress", web, f"Ingress provisioned at {lb}", weight=0.8)
        for svc in i["services"]:
            snode = g.node(
                Node(svc["id"], "KubernetesService", svc["name"], svc["labels"], cluster=i["cluster"])
            )
            g.hop(Hop(node.id, snode.id, K8S_ROUTE, f"Ingress {i['name']} routes to Service {svc['name']}"))
            entry.setdefault(svc["id"], {"ports": json.loads(svc["ports"] or "[]"), "node": snode})
    _pods(g, entry)
    # A load balancer in front of nothing reachable is not an exposed asset: report a Service only when
    # one of its pods admits the traffic, an Ingress only when one of its Services does.
    live = {h.src for h in g.hops.values() if h.type == K8S_ROUTE and g.nodes[h.dst].label == "KubernetesPod"}
    for sid in entry:
        if sid not in live:
            g.unexpose(sid)
    for nid, exp in list(g.exposed.items()):
        if any(e.type == "k8s-ingress" for e in exp) and not any(
            h.src == nid and h.dst in live for h in g.hops.values()
        ):
            g.unexpose(nid)


def _pods(g: AttackGraph, entry: dict[str, dict[str, Any]]) -> None:
    rows = driver.read(PODS, {"ids": list(entry)}) if entry else []
    by_pod: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_pod[r["id"]].append(r)
    for pid, rs in by_pod.items():
        for r in rs:
            svc = entry[r["sid"]]["node"]
            for sp in entry[r["sid"]]["ports"]:
                port, ct_id = _named_port(r["containers"], sp.get("targetPort", sp.get("port")))
                ok, why = _admits(r["policies"], port, sp.get("targetPort"))
                if not ok:
                    continue
                g.node(Node(pid, "KubernetesPod", r["name"], r["labels"], cluster=svc.cluster))
                plabel = [f"{port}/{str(sp.get('protocol') or 'TCP').lower()}"] if port else []
                g.hop(
                    Hop(
                        svc.id,
                        pid,
                        K8S_ROUTE,
                        f"Service {svc.name} selects pod {r['name']}, port {sp.get('port')}"
                        f" -> {port or sp.get('targetPort')}; {why}",
                        plabel,
                    )
                )
                g.exposed.setdefault(pid, [])
                if not any(e.type == "k8s-pod" and e.ports == plabel for e in g.exposed[pid]):
                    g.exposed[pid].append(
                        Exposed(pid, "k8s-pod", plabel, f"selected by Service {svc.name}; {why}")
                    )
                for ct in r["containers"]:
                    if ct_id is None or ct["id"] == ct_id:
                        g.node(
                            Node(
                                ct["id"],
                                "KubernetesContainer",
                                f"{r['name']}/{ct['name']}",
                                ct["labels"],
                                cluster=svc.cluster,
                            )
                        )
                        g.hop(
                            Hop(
                                pid,
                                ct["id"],
                                K8S_ROUTE,
                                f"container {ct['name']} serves {port or '?'}",
                                plabel,
                            )
                        )
            if not g.exposed.get(pid):
                g.exposed.pop(pid, None)
