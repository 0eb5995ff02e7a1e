"""AWS network exposure: which assets the internet reaches, on which ports, and why.

Reads the network in a handful of whole-graph queries (no per-asset round trips), evaluates in Python:
* instance: public IPv4 (or IPv6 address) in a subnet whose route table — the explicit association,
  else the VPC's main table — sends 0.0.0.0/0 (::/0) to an internet gateway; ports = what its security
  groups open to the internet ∩ what the subnet's NACL lets in (and lets replies out);
* internet-facing ELBv2: listener ports allowed by its SGs (none for most NLBs) and one subnet's NACL;
  then every registered target (EXPOSE) is reachable through it;
* publicly accessible RDS in such a subnet (any of its subnet group) with SG + NACL admitting its port.
Managed endpoints without a VPC path (Lambda URLs, S3, EKS API) are in services.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from analysis.exposure import ports as P
from analysis.exposure.cartography_ec2 import PORTS_NOT_COLLECTED, nacl_rule
from analysis.exposure.model import LB_TARGET, AttackGraph, Exposed, Hop, node_from
from graph import driver

_OWNER = "OPTIONAL MATCH (acct:AWSAccount)-[:RESOURCE]->({v}) "
SUBNETS = """
MATCH (s:EC2Subnet)
OPTIONAL MATCH (s)<-[:ASSOCIATED_SUBNET]-(:EC2RouteTableAssociation)<-[:ASSOCIATION]-(rt:EC2RouteTable)
OPTIONAL MATCH (acl:EC2NetworkAcl)-[:PART_OF_SUBNET]->(s)
RETURN s.id AS id, s.vpc_id AS vpc, collect(DISTINCT rt.id) AS tables, collect(DISTINCT acl.id) AS acls
"""
# Default routes to an internet gateway (state blackhole = the gateway is gone).
TABLES = """
MATCH (rt:EC2RouteTable)
OPTIONAL MATCH (rt)-[:ROUTE]->(r:EC2Route)-[:ROUTES_TO_GATEWAY]->(g:AWSInternetGateway)
WHERE (r.destination_cidr_block = '0.0.0.0/0' OR r.destination_ipv6_cidr_block = '::/0')
  AND coalesce(r.state, 'active') = 'active'
RETURN rt.id AS id, coalesce(rt.vpc_id, head([(rt)-[:MEMBER_OF_AWS_VPC]->(v) | v.id])) AS vpc,
       rt.main AS main,
       collect(CASE WHEN g IS NULL THEN null ELSE [coalesce(r.destination_cidr_block,
           r.destination_ipv6_cidr_block), g.id] END) AS igw
"""
ACL_RULES = """
MATCH (r:EC2NetworkAclRule)-[:MEMBER_OF_NACL]->(acl:EC2NetworkAcl)
RETURN acl.id AS acl, acl.network_acl_id AS name, r.egress AS egress, r.protocol AS protocol, r.fromport AS
    fromport,
       r.toport AS toport, r.cidrblock AS cidrblock, r.ipv6cidrblock AS ipv6cidrblock, r.ruleaction AS
           ruleaction,
       r.rulenumber AS rulenumber
"""
# Only rules open to the whole internet matter; IpRange.range is indexed.
SG_OPEN = """
MATCH (x:IpRange) WHERE x.range IN ['0.0.0.0/0', '::/0']
MATCH (x)-[:MEMBER_OF_IP_RULE]->(r:IpRule:IpPermissionInbound)
      -[:MEMBER_OF_EC2_SECURITY_GROUP]->(g:EC2SecurityGroup)
RETURN g.id AS sg, g.name AS name, r.protocol AS protocol, r.fromport AS fromport, r.toport AS toport,
    x.range AS range
"""
INSTANCES = (
    """
MATCH (i:EC2Instance) WHERE (i.publicipaddress IS NOT NULL OR i.ipv6address IS NOT NULL)
  AND coalesce(i.state, 'running') <> 'terminated'
OPTIONAL MATCH (i)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(g:EC2SecurityGroup)
WITH i, collect(g.id) AS sgs
"""
    + _OWNER.format(v="i")
    + """
RETURN i.id AS id, coalesce(i.name, i.id) AS name, labels(i) AS labels, acct.id AS account,
       coalesce(i.subnetid, head([(i)-[:PART_OF_SUBNET]->(sn:EC2Subnet) | sn.subnetid])) AS subnet,
       i.publicipaddress AS ip4, i.ipv6address AS ip6, sgs
"""
)
LBS = (
    """
MATCH (lb:LoadBalancerV2 {scheme: 'internet-facing'})
CALL (lb) { OPTIONAL MATCH (lb)-[:ELBV2_LISTENER]->(l:ELBV2Listener) RETURN collect([l.port, l.protocol])
    AS listeners }
CALL (lb) { OPTIONAL MATCH (lb)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(g) RETURN collect(g.id) AS sgs }
CALL (lb) { OPTIONAL MATCH (lb)-[:SUBNET]->(s) RETURN collect(s.id) AS subnets }
"""
    + _OWNER.format(v="lb")
    + """
RETURN lb.id AS id, coalesce(lb.name, lb.id) AS name, labels(lb) AS labels, acct.id AS account, lb.type AS
    type,
       listeners, sgs, subnets
"""
)
EXPOSE = (
    """
MATCH (lb:LoadBalancerV2 {scheme: 'internet-facing'})-[e:EXPOSE]->(t)
"""
    + _OWNER.format(v="t")
    + """
RETURN lb.id AS lb, t.id AS id, coalesce(t.name, t.id) AS name, labels(t) AS labels, acct.id AS account,
       e.port AS port, e.protocol AS protocol
"""
)
RDS = (
    """
MATCH (r:RDSInstance {publicly_accessible: true})
CALL (r) { OPTIONAL MATCH (r)-[:MEMBER_OF_DB_SUBNET_GROUP]->(:DBSubnetGroup)-[:RESOURCE]->(s:EC2Subnet)
    RETURN collect(s.id) AS subnets }
CALL (r) { OPTIONAL MATCH (r)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(g) RETURN collect(g.id) AS sgs }
"""
    + _OWNER.format(v="r")
    + """
RETURN r.id AS id, coalesce(r.db_instance_identifier, r.id) AS name, labels(r) AS labels, acct.id AS account,
       r.endpoint_port AS port, r.endpoint_address AS endpoint, subnets, sgs
"""
)


@dataclass
class Network:
    """Per-subnet facts the evaluations need, read once per run."""

    igw: dict[str, dict[str, str]] = field(default_factory=dict)  # subnet -> {"v4"|"v6": "rtb -> igw"}
    acl_rules: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # subnet -> NACL entries
    acl_name: dict[str, str] = field(default_factory=dict)  # subnet -> acl id
    sg_rules: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    sg_name: dict[str, str] = field(default_factory=dict)
    instance_ports: dict[str, P.PortSet] = field(default_factory=dict)  # reachable ports (NodePorts use it)


def read_network() -> Network:
    net = Network()
    tables = {r["id"]: r for r in driver.read(TABLES)}
    main = {t["vpc"]: t for t in tables.values() if t["main"]}
    rules_by_acl: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, str] = {}
    for raw in driver.read(ACL_RULES):
        names.setdefault(raw["acl"], raw["name"] or raw["acl"])
        r = nacl_rule(raw)  # Cartography's entries without their port range (cartography_ec2.py)
        if r is not raw:  # named in the exposure reason, so the assumption is visible
            names[raw["acl"]] = f"{raw['name'] or raw['acl']} ({PORTS_NOT_COLLECTED})"
        if r is not None:
            rules_by_acl[r["acl"]].append(r)
    for s in driver.read(SUBNETS):
        table = tables.get(s["tables"][0]) if s["tables"] else main.get(s["vpc"])
        how = "is associated with" if s["tables"] else "uses the VPC's main route table"
        for dest, igw in table["igw"] if table else []:
            fam = "v6" if ":" in dest else "v4"
            net.igw.setdefault(s["id"], {})[fam] = (
                f"{s['id']} {how} {table and table['id']} ({dest} -> {igw})"
            )
        if s["acls"] and s["acls"][0] in rules_by_acl:
            net.acl_rules[s["id"]] = rules_by_acl[s["acls"][0]]
            net.acl_name[s["id"]] = names[s["acls"][0]]
    for r in driver.read(SG_OPEN):
        net.sg_rules[r["sg"]].append(r)
        net.sg_name[r["sg"]] = r["name"] or r["sg"]
    return net


def reachable(
    net: Network,
    subnet: str | None,
    sgs: list[str] | None,
    families: tuple[str, ...],
    need_route: bool = True,
) -> tuple[P.PortSet, str]:
    """Ports the internet reaches in ``subnet`` through ``sgs`` (None = no SG filter), and why.

    Callers pass subnets in sorted order and the reason names groups sorted: the text must not depend on the
    order Neo4j happens to store them in (two equal graphs give equal reasons)."""
    best: P.PortSet = {p: [] for p in P.PROTOCOLS}
    why: list[str] = []
    for fam in families:
        route = net.igw.get(subnet or "", {}).get(fam)
        if need_route and route is None:
            continue
        if sgs is None:
            open_ = {p: list(P.FULL) for p in P.PROTOCOLS}
        else:
            open_ = P.sg_open([r for g in sgs for r in net.sg_rules.get(g, [])], fam)
        allowed = P.through_nacl(open_, net.acl_rules.get(subnet or ""), fam)
        if P.empty(allowed):
            continue
        best = {p: P.normalise(best[p] + allowed[p]) for p in P.PROTOCOLS}
        sg_text = (
            "no security group"
            if sgs is None
            else "SG "
            + ", ".join(f"{net.sg_name[g]} ({g})" for g in sorted(sgs) if g in net.sg_name)
            + " open to "
            + P.WORLD[fam]
        )
        acl = net.acl_name.get(subnet or "")
        why.append(
            f"{sg_text}; "
            + (f"{route}; " if route else "")
            + (f"NACL {acl} allows {', '.join(P.labels(allowed))}" if acl else "no NACL data")
        )
    return best, " | ".join(why)


def compute(g: AttackGraph) -> Network:
    net = read_network()
    for r in driver.read(INSTANCES):
        fams = tuple(f for f, ip in (("v4", r["ip4"]), ("v6", r["ip6"])) if ip)
        allowed, why = reachable(net, r["subnet"], r["sgs"], fams)
        if not P.empty(allowed):
            ip = r["ip4"] or r["ip6"]
            net.instance_ports[r["id"]] = allowed
            g.expose(
                node_from(r, "EC2Instance"),
                "direct",
                P.labels(allowed),
                f"public IP {ip} on {', '.join(P.labels(allowed))}: {why}",
            )
    _load_balancers(g, net)
    for r in driver.read(RDS):
        port = int(r["port"] or 0)
        checked = [(s, reachable(net, s, r["sgs"], ("v4",))) for s in sorted(r["subnets"])]
        hits = [(s, why) for s, (ps, why) in checked if port and P.contains(ps["tcp"], port)]
        if hits:
            g.expose(
                node_from(r, "RDSInstance"),
                "direct",
                [f"{port}/tcp"],
                f"PubliclyAccessible, endpoint {r['endpoint']}:{port}; {hits[0][1]}",
                weight=1.0,
            )
    return net


def _load_balancers(g: AttackGraph, net: Network) -> None:
    open_lbs = {}
    for r in driver.read(LBS):
        sgs = r["sgs"] or None  # NLBs without SGs do not filter
        listen: P.PortSet = {p: [] for p in P.PROTOCOLS}
        for port, proto in r["listeners"]:
            for p in P.protocols({"UDP": "udp", "TCP_UDP": "-1"}.get(str(proto), "tcp")):
                listen[p] = P.normalise(listen[p] + [(int(port), int(port))])
        best, why = P.meet(listen, {p: [] for p in P.PROTOCOLS}), ""
        for s in sorted(r["subnets"]) or [None]:
            ps, w = reachable(net, s, sgs, ("v4", "v6"), need_route=False)
            got = P.meet(listen, ps)
            if not P.empty(got):
                best, why = got, w
                break
        if not P.empty(best):
            lbl = P.labels(best)
            open_lbs[r["id"]] = (r["name"], lbl)
            g.expose(
                node_from(r, "LoadBalancerV2"),
                "elb",
                lbl,
                f"internet-facing {r['type'] or ''} load balancer, listeners {', '.join(lbl)}; {why}",
                weight=0.8,
            )
    for r in driver.read(EXPOSE):
        if r["lb"] not in open_lbs:
            continue
        label = next(
            (x for x in ("EC2Instance", "AWSLambda", "LoadBalancerV2") if x in r["labels"]), r["labels"][0]
        )
        name, lbl = open_lbs[r["lb"]]
        tport = (
            f"{r['port']}/{'udp' if str(r['protocol']).upper() == 'UDP' else 'tcp'}" if r["port"] else None
        )
        node = g.node(node_from(r, label))
        g.exposed.setdefault(node.id, []).append(
            Exposed(
                node.id, "elb", [tport] if tport else lbl, f"registered target of {name} ({', '.join(lbl)})"
            )
        )
        g.hop(
            Hop(
                r["lb"],
                node.id,
                LB_TARGET,
                f"{name} forwards {', '.join(lbl)} to target port {tport or '?'}",
                [tport] if tport else [],
            )
        )
