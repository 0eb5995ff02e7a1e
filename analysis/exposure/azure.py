"""Azure entry points and identity hops: what the internet reaches in Azure, on which ports, and why.

Network (docs/exposure.md, "Azure"): an ``AzureVirtualMachine`` that is not stopped / deallocated, with a
public IP on one of its NICs, is reached on the ports *both* NSGs let in from the internet — the NIC's and its
subnet's (a level without an NSG lets everything in, as in Azure). Each NSG is evaluated like Azure does: its
inbound rules in priority order, the first rule matching a port decides (so a deny above an allow wins), the
default ``DenyAllInBound`` (65500) closes the rest. Only rules whose source covers the whole internet match
internet traffic: ``*``, ``Any``, ``Internet``, ``0.0.0.0/0``, ``::/0``; other service tags
(``VirtualNetwork``, ``AzureLoadBalancer``) and CIDRs do not. Also: an ``AzureStorageAccount`` with anonymous
containers (public read), an ``AzureSQLServer`` whose firewall admits 0.0.0.0–255.255.255.255 (1433).
Load balancers and application gateways: ``azure_lb.py`` (it reuses the NSG evaluation here). A subnet route
table sending ``0.0.0.0/0`` to ``None`` or an appliance is named in the reason (still exposed).

Identity: a reached VM or AKS cluster runs as its managed identities (user-assigned: ``RUNS_AS``; the system
identity is the workload itself), a reached Kubernetes service account as the identity it federates to (AKS
workload identity, azure_workload.py); an identity (or the VM, for its system principal) reaches a Key Vault,
storage account or SQL server through a role assignment whose scope is the store, its resource group, its
subscription or a management group above it; the access is read / write / admin from the role's
``dataActions`` (Owner / Contributor manage the resource: admin).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from analysis.exposure import ports as P
from analysis.exposure.azure_workload import workload_identities
from analysis.exposure.model import DATA_ACCESS, RUNS_AS, AttackGraph, Hop, node_from
from graph import driver

INTERNET_SOURCES = {"*", "any", "internet", "0.0.0.0/0", "0.0.0.0", "::/0"}
STOPPED = ("VM deallocated", "VM stopped", "VM deallocating", "VM stopping")
OWNER, CONTRIB = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c"
_SUB = (
    "CALL ({v}) {{ OPTIONAL MATCH (s:AzureSubscription)-[:RESOURCE]->({v}) "
    "RETURN head(collect(s.id)) AS sub }}"
)

VMS = (
    """
MATCH (v:AzureVirtualMachine)<-[:ATTACHED_TO]-(nic:AzureNetworkInterface)
WHERE NOT coalesce(v.power_state, '') IN $stopped
OPTIONAL MATCH (nic)-[:ASSOCIATED_WITH]->(pip:AzurePublicIPAddress)
OPTIONAL MATCH (nic)-[:ASSOCIATED_WITH]->(nn:AzureNetworkSecurityGroup)
OPTIONAL MATCH (nic)-[:ATTACHED_TO]->(:AzureSubnet)-[:ASSOCIATED_WITH]->(sn:AzureNetworkSecurityGroup)
OPTIONAL MATCH (nic)-[:ATTACHED_TO]->(:AzureSubnet)-[:ASSOCIATED_WITH]->(rt:AzureRouteTable)
WITH v, nic, collect(DISTINCT pip.ip_address) AS ips, nn, collect(DISTINCT sn) AS subnet_nsgs,
     collect(DISTINCT [rt.name, rt.default_next_hop_type, rt.default_next_hop_ip]) AS routes
WHERE size(ips) > 0
"""
    + _SUB.format(v="v")
    + """
RETURN v.id AS id, v.name AS name, labels(v) AS labels, sub AS account, nic.name AS nic, ips,
       nn.id AS nic_nsg, [s IN subnet_nsgs | s.id] AS subnet_nsgs, routes
"""
)
RULES = """
MATCH (r:AzureNetworkSecurityRule)-[:MEMBER_OF_AZURE_NSG]->(g:AzureNetworkSecurityGroup)
WHERE g.id IN $ids AND r.direction = 'Inbound'
RETURN g.id AS nsg, g.name AS nsg_name, r.name AS name, r.priority AS priority, r.access AS access,
       r.protocol AS protocol, coalesce(r.source_prefixes, []) AS sources,
       coalesce(r.destination_ports, []) AS ports
ORDER BY r.priority
"""
STORAGE = (
    """
MATCH (a:AzureStorageAccount) WHERE a.public_containers > 0 AND coalesce(a.allow_blob_public_access, true)
"""
    + _SUB.format(v="a")
    + "RETURN a.id AS id, a.name AS name, labels(a) AS labels, sub AS account, a.public_containers AS n"
)
SQL = (
    """
MATCH (f:AzureSQLServerFirewallRule)-[:MEMBER_OF_AZURE_SQL_SERVER]->(s:AzureSQLServer)
WHERE f.start_ip_address = '0.0.0.0' AND f.end_ip_address = '255.255.255.255'
  AND coalesce(s.public_network_access, 'Enabled') <> 'Disabled'
"""
    + _SUB.format(v="s")
    + "RETURN DISTINCT s.id AS id, s.name AS name, labels(s) AS labels, sub AS account, "
    "s.fully_qualified_domain_name AS fqdn, f.name AS rule"
)
# Workloads in the graph → their principals: the system principal ids on the node, user-assigned identities.
IDENTITIES = """
MATCH (w) WHERE w.id IN $ids AND (w:AzureVirtualMachine OR w:AzureKubernetesCluster)
OPTIONAL MATCH (w)-[:RUNS_AS]->(mi:AzureManagedIdentity)
RETURN w.id AS wid, coalesce(w.identity_principal_ids, []) AS principals,
       collect({id: mi.id, name: mi.name, principal: mi.principal_id, labels: labels(mi)}) AS identities
"""
# Role assignments of the principals, and the data stores each one covers (store, its group, subscription,
# management groups above the subscription).
GRANTS = """
MATCH (a:AzureRoleAssignment)-[:ROLE_ASSIGNED]->(d:AzureRoleDefinition) WHERE a.principal_id IN $principals
MATCH (a)-[:APPLIES_TO]->(t)
CALL (t) {
  MATCH (t) WHERE t:AzureKeyVault OR t:AzureStorageAccount OR t:AzureSQLServer RETURN t AS store
  UNION
  MATCH (t)-[:CONTAINS]->(store) WHERE t:AzureResourceGroup
    AND (store:AzureKeyVault OR store:AzureStorageAccount OR store:AzureSQLServer) RETURN store
  UNION
  MATCH (t)<-[:PARENT*0..4]-(:AzureSubscription)-[:RESOURCE]->(store)
  WHERE (t:AzureSubscription OR t:AzureManagementGroup)
    AND (store:AzureKeyVault OR store:AzureStorageAccount OR store:AzureSQLServer) RETURN store
}
OPTIONAL MATCH (s:AzureSubscription)-[:RESOURCE]->(store)
RETURN a.principal_id AS principal, a.role_definition_name AS role, d.id AS role_id, a.scope AS scope,
       coalesce(d.data_actions, []) AS data_actions, coalesce(d.actions, []) AS actions,
       store.id AS id, store.name AS name, labels(store) AS labels, head(collect(s.id)) AS account
"""


def _ranges(values: list[str]) -> P.Intervals:
    out: P.Intervals = []
    for v in values:
        if v in ("*", "Any"):
            return list(P.FULL)
        lo, _, hi = str(v).partition("-")
        out.append((int(lo), int(hi or lo)))
    return P.normalise(out)


def from_internet(sources: list[str]) -> bool:
    """A rule's sources cover traffic from an arbitrary internet address."""
    return any(str(s).lower() in INTERNET_SOURCES for s in sources)


def nsg_allowed(
    rules: list[dict[str, Any]], admits: Callable[[list[str]], bool] = from_internet
) -> tuple[P.PortSet, list[str]]:
    """Ports an NSG lets in from a source (rules of one NSG, any order) and the allow rules that did; the
    source is the internet unless ``admits`` says which rule sources match it."""
    allowed: P.PortSet = {p: [] for p in P.PROTOCOLS}
    why: list[str] = []
    for proto in P.PROTOCOLS:
        remaining = list(P.FULL)
        for r in sorted(rules, key=lambda x: int(x["priority"])):
            protos = (
                P.PROTOCOLS if str(r["protocol"]).lower() in ("*", "any") else (str(r["protocol"]).lower(),)
            )
            if proto not in protos or not admits(r["sources"]):
                continue
            hit = P.intersect(remaining, _ranges(r["ports"]))
            remaining = P.subtract(remaining, hit)
            if hit and str(r["access"]).lower() == "allow":
                allowed[proto] = P.normalise(allowed[proto] + hit)
                why.append(f"{r['nsg_name']}/{r['name']} (priority {r['priority']})")
    return allowed, why


def rules_by_nsg(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The inbound rules of every NSG the rows name (``nic_nsg`` / ``subnet_nsgs``), by NSG id."""
    ids = sorted({n for r in rows for n in [r["nic_nsg"], *r["subnet_nsgs"]] if n})
    by_nsg: dict[str, list[dict[str, Any]]] = {}
    for rule in driver.read(RULES, {"ids": ids}) if ids else []:
        by_nsg.setdefault(rule["nsg"], []).append(rule)
    return by_nsg


def through_nsgs(
    by_nsg: dict[str, list[dict[str, Any]]],
    nic_nsg: str | None,
    subnet_nsgs: list[str],
    admits: Callable[[list[str]], bool] = from_internet,
) -> tuple[P.PortSet, list[str]]:
    """Ports both levels (the NIC's NSG and its subnet's) let in from a source, and why."""
    ports: P.PortSet = {p: list(P.FULL) for p in P.PROTOCOLS}
    reasons = []
    for level, nsg in (("NIC", nic_nsg), *(("subnet", s) for s in subnet_nsgs)):
        if nsg is None:
            continue
        allowed, why = nsg_allowed(by_nsg.get(nsg, []), admits)
        ports = P.meet(ports, allowed)
        reasons.append(
            f"{level} NSG {nsg.rsplit('/', 1)[-1]} allows {', '.join(P.labels(allowed)) or 'nothing'}"
            + (f" ({'; '.join(why)})" if why else "")
        )
    if not nic_nsg and not subnet_nsgs:
        reasons.append("no NSG on the NIC or its subnet: every port open")
    return ports, reasons


def route_notes(routes: list[list[Any]]) -> list[str]:
    """What a subnet's route table does with replies to internet clients (``[name, next hop type, next hop
    IP]`` per table). Reported, not enforced: the endpoint is still listed (see docs/exposure.md)."""
    out = []
    for name, hop, ip in routes:
        if name is None or hop is None or str(hop).lower() == "internet":
            continue
        if str(hop).lower() == "none":
            out.append(f"route table {name} sends 0.0.0.0/0 to None: replies to internet clients are dropped")
        else:
            out.append(
                f"route table {name} sends 0.0.0.0/0 to {hop}{' ' + ip if ip else ''}: replies to internet "
                "clients take that path (asymmetric unless it forwards them)"
            )
    return out


def _vms(g: AttackGraph) -> None:
    rows = driver.read(VMS, {"stopped": list(STOPPED)})
    by_nsg = rules_by_nsg(rows)
    for r in rows:
        ports, reasons = through_nsgs(by_nsg, r["nic_nsg"], r["subnet_nsgs"])
        if P.empty(ports):
            continue
        g.expose(
            node_from(r, "AzureVirtualMachine"),
            "direct",
            P.labels(ports),
            f"public IP {', '.join(r['ips'])} on NIC {r['nic']}: "
            + " | ".join(reasons + route_notes(r["routes"])),
        )


def _public_stores(g: AttackGraph) -> None:
    for r in driver.read(STORAGE):
        g.expose(
            node_from(r, "AzureStorageAccount"),
            "blob-anonymous-read",
            ["443/tcp"],
            f"{r['n']} container(s) readable anonymously (allowBlobPublicAccess not false)",
        )
    for r in driver.read(SQL):
        g.expose(
            node_from(r, "AzureSQLServer"),
            "direct",
            ["1433/tcp"],
            f"public endpoint {r['fqdn']}: firewall rule {r['rule']} admits 0.0.0.0-255.255.255.255",
        )


def access_of(role_id: str, actions: list[str], data_actions: list[str]) -> str | None:
    """What a role lets its holder do with a store's data: admin (Owner / Contributor / ``*`` data actions),
    write, read, or None (control-plane only roles such as Reader)."""
    if role_id.endswith((OWNER, CONTRIB)) or "*" in data_actions:
        return "admin"
    if not data_actions:
        return None
    if any(a.lower().endswith(("/write", "/delete", "/setsecret/action")) for a in data_actions):
        return "write"
    return "read"


def identities(g: AttackGraph) -> None:
    """RUNS_AS and DATA_ACCESS hops from the Azure workloads (and AKS workload identities of the Kubernetes
    service accounts) already in the attack graph."""
    ids = [n.id for n in g.nodes.values() if n.label in ("AzureVirtualMachine", "AzureKubernetesCluster")]
    holder: dict[str, str] = workload_identities(g)  # principal id -> node id that holds it
    for r in driver.read(IDENTITIES, {"ids": ids}) if ids else []:
        for p in r["principals"]:
            holder.setdefault(p, r["wid"])
        for mi in r["identities"]:
            if mi["id"] is None:
                continue
            g.node(node_from(mi, "AzureManagedIdentity"))
            g.hop(Hop(r["wid"], mi["id"], RUNS_AS, f"runs as managed identity {mi['name']} (IMDS token)"))
            if mi["principal"]:
                holder[mi["principal"]] = mi["id"]
    for r in driver.read(GRANTS, {"principals": sorted(holder)}) if holder else []:
        access = access_of(r["role_id"], r["actions"], r["data_actions"])
        if access is None:
            continue
        label = next(
            x for x in ("AzureKeyVault", "AzureStorageAccount", "AzureSQLServer") if x in r["labels"]
        )
        g.node(node_from(r, label))
        g.hop(
            Hop(holder[r["principal"]], r["id"], DATA_ACCESS, f"{r['role']} at {r['scope']}", access=access)
        )


def compute(g: AttackGraph) -> None:
    _vms(g)
    _public_stores(g)
