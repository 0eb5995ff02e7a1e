"""Azure load balancers and application gateways: the internet → a public frontend → its backends
(docs/exposure.md, "Azure").

* **Load balancer** (layer 4, pass-through): a load-balancing rule or inbound NAT rule on a frontend with a
  public IP forwards to its backend NICs (a v1 NAT rule: one NIC ip configuration; a v2 NAT rule or a
  load-balancing rule: a backend pool). The client's address is kept, so each backend's NIC and subnet NSGs
  are evaluated for *internet* traffic (``AzureLoadBalancer`` only admits health probes) on the backend port
  (the frontend port with floating IP; ``0`` with protocol ``All`` = HA ports, every port). The balancer
  itself answers nothing: it is reported on the frontend ports of rules with at least one admitted backend.
* **Application gateway** (layer 7 proxy): a listener on a public frontend, admitted by the NSG of the
  gateway's subnet, reaches the gateway on its port; the gateway opens new connections from its own
  private addresses to the pools of the listener's rules (path-based rules: every pool of the URL path
  map), so backend NSGs are evaluated for traffic from the gateway's subnet (``*``, ``VirtualNetwork`` or a
  prefix containing that subnet) on the backend settings' ports. Pool members: the NICs the pool names,
  and NICs in the gateway's virtual network holding one of its ``backendAddresses`` IPs.

Backends whose VM is stopped / deallocated, or NICs without a VM (scale sets are not modelled), are
skipped. A route table sending ``0.0.0.0/0`` elsewhere than the internet is named in the reason.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from analysis.exposure import ports as P
from analysis.exposure.azure import STOPPED, route_notes, rules_by_nsg, through_nsgs
from analysis.exposure.model import LB_TARGET, AttackGraph, Exposed, Hop, node_from
from graph import driver

_SUB = (
    "CALL ({v}) {{ OPTIONAL MATCH (s:AzureSubscription)-[:RESOURCE]->({v}) "
    "RETURN head(collect(s.id)) AS sub }}"
)
_ROUTES = "collect(DISTINCT [rt.name, rt.default_next_hop_type, rt.default_next_hop_ip]) AS routes"

LB_RULES = (
    """
MATCH (lb:AzureLoadBalancer)-[:CONTAINS]->(r)-[:USES_FRONTEND_IP]->(:AzureLoadBalancerFrontendIPConfiguration)
      -[:ASSOCIATED_WITH]->(pip:AzurePublicIPAddress)
WHERE (r:AzureLoadBalancerRule OR r:AzureLoadBalancerInboundNatRule) AND pip.ip_address IS NOT NULL
CALL (r) {
  MATCH (r)-[:ROUTES_TO]->(:AzureLoadBalancerBackendPool)-[:ROUTES_TO]->(n:AzureNetworkInterface)
  RETURN n.id AS nic
  UNION
  MATCH (r)-[:ROUTES_TO]->(n:AzureNetworkInterface) RETURN n.id AS nic
  UNION
  MATCH (p:AzureLoadBalancerBackendPool)-[:ROUTES_TO]->(n:AzureNetworkInterface)
  WHERE p.id = r.backend_pool_id RETURN n.id AS nic
}
WITH lb, r, pip, collect(nic) AS nics
"""
    + _SUB.format(v="lb")
    + """
RETURN lb.id AS id, lb.name AS name, labels(lb) AS labels, sub AS account, r.name AS rule,
       'AzureLoadBalancerInboundNatRule' IN labels(r) AS nat, r.protocol AS protocol,
       r.frontend_port AS fport, r.frontend_port_range_start AS fstart, r.frontend_port_range_end AS fend,
       r.backend_port AS bport, coalesce(r.enable_floating_ip, false) AS floating, pip.ip_address AS ip, nics
ORDER BY id, rule
"""
)
GATEWAY_RULES = (
    """
MATCH (gw:AzureApplicationGateway)-[:CONTAINS]->(r:AzureApplicationGatewayRule)
      -[:USES_FRONTEND_IP]->(:AzureApplicationGatewayFrontendIPConfiguration)
      -[:ASSOCIATED_WITH]->(pip:AzurePublicIPAddress)
WHERE pip.ip_address IS NOT NULL AND coalesce(gw.operational_state, 'Running') <> 'Stopped'
  AND r.listener_port IS NOT NULL
OPTIONAL MATCH (gw)-[:IN_SUBNET]->(s:AzureSubnet)
OPTIONAL MATCH (s)-[:ASSOCIATED_WITH]->(sn:AzureNetworkSecurityGroup)
OPTIONAL MATCH (s)-[:ASSOCIATED_WITH]->(rt:AzureRouteTable)
OPTIONAL MATCH (vnet:AzureVirtualNetwork)-[:CONTAINS]->(s)
WITH gw, r, pip, s, vnet, collect(DISTINCT sn.id) AS subnet_nsgs, """
    + _ROUTES
    + """
OPTIONAL CALL (r, vnet) {  // a gateway without backends still answers (502): keep its rows
  MATCH (r)-[:ROUTES_TO]->(:AzureApplicationGatewayBackendPool)-[:ROUTES_TO]->(n:AzureNetworkInterface)
  RETURN n.id AS nic
  UNION
  MATCH (r)-[:ROUTES_TO]->(p:AzureApplicationGatewayBackendPool)
  UNWIND coalesce(p.ip_addresses, []) AS ip
  MATCH (vnet)-[:CONTAINS]->(:AzureSubnet)<-[:ATTACHED_TO]-(n:AzureNetworkInterface)
  WHERE ip IN n.private_ip_addresses
  RETURN n.id AS nic
}
WITH gw, r, pip, s, subnet_nsgs, routes, collect(nic) AS nics
"""
    + _SUB.format(v="gw")
    + """
RETURN gw.id AS id, gw.name AS name, labels(gw) AS labels, sub AS account, r.name AS rule,
       r.listener_port AS port, r.listener_protocol AS protocol, coalesce(r.backend_ports, []) AS bports,
       pip.ip_address AS ip, coalesce(s.address_prefixes, []) AS prefixes, subnet_nsgs, routes, nics,
       null AS nic_nsg
ORDER BY id, rule
"""
)
BACKENDS = (
    """
MATCH (nic:AzureNetworkInterface)-[:ATTACHED_TO]->(v:AzureVirtualMachine)
WHERE nic.id IN $ids AND NOT coalesce(v.power_state, '') IN $stopped
OPTIONAL MATCH (nic)-[:ASSOCIATED_WITH]->(nn:AzureNetworkSecurityGroup)
OPTIONAL MATCH (nic)-[:ATTACHED_TO]->(s:AzureSubnet)
OPTIONAL MATCH (s)-[:ASSOCIATED_WITH]->(sn:AzureNetworkSecurityGroup)
OPTIONAL MATCH (s)-[:ASSOCIATED_WITH]->(rt:AzureRouteTable)
WITH nic, v, nn, collect(DISTINCT sn.id) AS subnet_nsgs, """
    + _ROUTES
    + "\n"
    + _SUB.format(v="v")
    + """
RETURN nic.id AS nic_id, nic.name AS nic, v.id AS id, v.name AS name, labels(v) AS labels, sub AS account,
       nn.id AS nic_nsg, subnet_nsgs, routes
"""
)


def _span(proto: Any, lo: int, hi: int) -> P.PortSet:
    """One rule's ports as a port set (protocol ``All`` = TCP and UDP; port 0 = HA ports, every port)."""
    iv = list(P.FULL) if lo == 0 else [(lo, hi)]
    return {p: (iv if p in P.protocols(proto) else []) for p in P.PROTOCOLS}


def from_subnet(prefixes: list[str]) -> Callable[[list[str]], bool]:
    """Rule sources that match traffic from any address of a subnet (a gateway's private addresses)."""
    nets = [ipaddress.ip_network(p, strict=False) for p in prefixes]

    def admits(sources: list[str]) -> bool:
        for src in sources:
            s = str(src).lower()
            if s in ("*", "any", "virtualnetwork"):
                return True
            try:
                cidr = ipaddress.ip_network(s, strict=False)
            except ValueError:
                continue  # other service tags (Internet, AzureLoadBalancer, GatewayManager, …)
            if nets and all(n.version == cidr.version and n.subnet_of(cidr) for n in nets):  # type: ignore[arg-type]
                return True
        return False

    return admits


class _Backends:
    """The backend VMs behind NICs, with their NSG rules, read once per run."""

    def __init__(self, nic_ids: set[str]) -> None:
        rows = driver.read(BACKENDS, {"ids": sorted(nic_ids), "stopped": list(STOPPED)}) if nic_ids else []
        self.by_nic = {r["nic_id"]: r for r in rows}
        self.rules = rules_by_nsg(rows)

    def admitted(
        self, nic: str, wanted: P.PortSet, admits: Callable[[list[str]], bool] | None = None
    ) -> tuple[dict[str, Any], P.PortSet, str] | None:
        b = self.by_nic.get(nic)
        if b is None:
            return None
        args = (admits,) if admits else ()
        allowed, reasons = through_nsgs(self.rules, b["nic_nsg"], b["subnet_nsgs"], *args)
        got = P.meet(wanted, allowed)
        if P.empty(got):
            return None
        return b, got, f"NIC {b['nic']}: " + " | ".join(reasons + route_notes(b["routes"]))


def _reach(g: AttackGraph, src: str, b: dict[str, Any], kind: str, ports: P.PortSet, why: str) -> None:
    node = g.node(node_from(b, "AzureVirtualMachine"))
    g.exposed.setdefault(node.id, []).append(Exposed(node.id, kind, P.labels(ports), why))
    g.hop(Hop(src, node.id, LB_TARGET, why, P.labels(ports)))


def _load_balancers(g: AttackGraph, rows: list[dict[str, Any]], backends: _Backends) -> None:
    front: dict[str, tuple[dict[str, Any], P.PortSet, list[str]]] = {}
    for r in rows:
        kind = "inbound NAT rule" if r["nat"] else "rule"
        lo = int(r["fport"] if r["fport"] is not None else r["fstart"] or 0)
        hi = int(r["fport"] if r["fport"] is not None else r["fend"] or lo)
        bport = int(r["bport"] or 0)
        target = _span(r["protocol"], lo, hi) if r["floating"] else _span(r["protocol"], bport, bport)
        what = (
            f"load balancer {r['name']} {kind} {r['rule']} ({r['ip']}:{lo if lo == hi else f'{lo}-{hi}'}"
            f"/{str(r['protocol']).lower()} → backend port {bport or 'all'})"
        )
        hit = False
        for nic in r["nics"]:
            got = backends.admitted(nic, target)
            if got:
                b, ports, why = got
                _reach(g, r["id"], b, "azure-lb", ports, f"{what}; {why}")
                hit = True
        if hit:
            _, have, rules = front.setdefault(r["id"], (r, {p: [] for p in P.PROTOCOLS}, []))
            for p, iv in _span(r["protocol"], lo, hi).items():
                have[p] = P.normalise(have[p] + iv)
            rules.append(f"{kind} {r['rule']}")
    for r, ports, rules in front.values():
        g.expose(
            node_from(r, "AzureLoadBalancer"),
            "azure-lb",
            P.labels(ports),
            f"public load balancer {r['name']} ({r['ip']}): {', '.join(rules)} forward to backends their "
            "NSGs admit from the internet",
            weight=0.8,
        )


def _gateways(g: AttackGraph, rows: list[dict[str, Any]], backends: _Backends) -> None:
    rules = rules_by_nsg(rows)
    for r in rows:
        listen: P.PortSet = {"tcp": [(int(r["port"]), int(r["port"]))], "udp": []}
        allowed, reasons = through_nsgs(rules, None, r["subnet_nsgs"])
        if P.empty(P.meet(listen, allowed)):
            continue
        reasons = [x for x in reasons if not x.startswith("no NSG")] or ["no NSG on the gateway's subnet"]
        g.expose(
            node_from(r, "AzureApplicationGateway"),
            "azure-app-gateway",
            P.labels(listen),
            f"application gateway {r['name']} listener of rule {r['rule']} on {r['ip']}:{r['port']} "
            f"({r['protocol']}): " + " | ".join(reasons + route_notes(r["routes"])),
            weight=0.8,
        )
        wanted: P.PortSet = {"tcp": P.normalise((int(x), int(x)) for x in r["bports"]), "udp": []}
        source = from_subnet(r["prefixes"])
        for nic in r["nics"]:
            got = backends.admitted(nic, wanted, source)
            if got:
                b, ports, why = got
                what = (
                    f"application gateway {r['name']} rule {r['rule']} ({r['ip']}:{r['port']}) forwards from "
                    f"its subnet to port {', '.join(P.labels(ports))}"
                )
                _reach(g, r["id"], b, "azure-app-gateway", ports, f"{what}; {why}")


def compute(g: AttackGraph) -> None:
    lbs, gws = driver.read(LB_RULES), driver.read(GATEWAY_RULES)
    backends = _Backends({n for r in [*lbs, *gws] for n in r["nics"]})
    _load_balancers(g, lbs, backends)
    _gateways(g, gws, backends)
