"""GCP entry points: what the internet reaches in Google Cloud, on which ports, and why.

Read in a few whole-graph queries, evaluated in Python (docs/exposure.md, "Network (GCP)"):
* ``GCPInstance`` — a NIC with an external IP, and the VPC firewall of that NIC's network admits
  traffic from the whole internet: enabled INGRESS rules whose source ranges include a ``/0`` of the
  address family, targeting the instance (no targets = every instance of the network; target tags ∩
  its network tags; target service accounts ∋ the account it runs as). Rules are evaluated per protocol
  and port like GCP does: the numerically lowest priority decides, a deny wins a tie, the implied
  ingress rule (65535) denies. Only whole-internet rules decide, deny ones too (as for AWS NACLs).
* ``GCPCloudSQLInstance`` — public IPv4 (``ipv4_enabled``) and an authorized network of ``0.0.0.0/0``.
* ``GKECluster`` — public control-plane endpoint (private endpoint not enabled) and master authorized
  networks disabled or including ``0.0.0.0/0``; 443, weighted like the EKS endpoint (needs credentials).
* ``GCPBucket`` — a public binding (``allUsers`` / ``allAuthenticatedUsers``) with a storage role on the
  bucket, or on its project / folder / organization (inherited), and public access prevention not
  ``enforced``.
Identity hops (service accounts, workload identity, IAM on data) are in gcp_identity.py.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from analysis.exposure import ports as P
from analysis.exposure.cartography_gcp import firewall_rows, instance_rows
from analysis.exposure.model import AttackGraph, node_from
from analysis.privileges.gcp_org_policy import effective_for_projects
from graph import driver

# The project a node belongs to (Cartography's project edge; under a project scan, the scope itself).
PROJECT = (
    "CALL ({v}) {{ OPTIONAL MATCH (p:GCPProject)-[:RESOURCE]->({v}) RETURN head(collect(p.id)) AS proj }}"
)
INSTANCES = (
    """
MATCH (i:GCPInstance)-[:NETWORK_INTERFACE]->(nic:GCPNetworkInterface)
WHERE nic.public_ip IS NOT NULL AND NOT coalesce(i.status, 'RUNNING') IN $stopped
"""
    + PROJECT.format(v="i")
    + """
RETURN i.id AS id, i.name AS name, labels(i) AS labels, coalesce(i.project_id, proj) AS account,
       nic.name AS nic, nic.public_ip AS ip, nic.vpc_partial_uri AS vpc,
       coalesce(i.network_tags, []) AS tags, i.service_account_email AS sa
"""
)
# Enabled ingress firewalls with a /0 source range (the family is checked in Python), with their rules.
FIREWALLS = """
MATCH (f:GCPFirewall)
WHERE coalesce(f.direction, 'INGRESS') = 'INGRESS' AND NOT coalesce(f.disabled, false)
  AND any(r IN coalesce(f.source_ranges, []) WHERE r ENDS WITH '/0')
CALL (f) { OPTIONAL MATCH (r:GCPIpRule)-[rel:ALLOWED_BY|DENIED_BY]->(f)
           RETURN collect(CASE WHEN r IS NULL THEN null ELSE
               {protocol: r.protocol, fromport: r.fromport, toport: r.toport, deny: type(rel) = 'DENIED_BY'}
           END) AS rules }
RETURN f.id AS id, f.name AS name, f.vpc_partial_uri AS vpc, coalesce(f.priority, 1000) AS priority,
       f.source_ranges AS ranges, coalesce(f.target_tags, []) AS tags,
       coalesce(f.target_service_accounts, []) AS sas, rules
"""
CLOUDSQL = (
    """
MATCH (s:GCPCloudSQLInstance) WHERE s.ipv4_enabled = true AND s.public_ip IS NOT NULL
"""
    + PROJECT.format(v="s")
    + """
RETURN s.id AS id, s.name AS name, labels(s) AS labels, coalesce(s.project_id, proj) AS account,
       s.public_ip AS ip, coalesce(s.authorized_networks, []) AS networks, s.database_version AS version,
       s.ssl_mode AS ssl_mode, s.require_ssl AS require_ssl
"""
)
GKE = (
    """
MATCH (c:GKECluster)
WHERE NOT coalesce(c.private_endpoint_enabled, false) AND coalesce(c.public_endpoint, c.endpoint) IS NOT NULL
"""
    + PROJECT.format(v="c")
    + """
RETURN c.id AS id, c.name AS name, labels(c) AS labels, coalesce(c.project_id, proj) AS account,
       c.name AS cluster, coalesce(c.public_endpoint, c.endpoint) AS endpoint,
       coalesce(c.master_authorized_networks, false) AS man, coalesce(c.master_authorized_cidrs, []) AS cidrs
"""
)
# Public bindings (is_public is indexed) and the buckets they cover: the bucket itself, or every bucket of
# the projects below the project / folder / organization the binding is set on.
PUBLIC_BUCKETS = (
    """
MATCH (b:GCPPolicyBinding {is_public: true})-[:APPLIES_TO]->(t)
CALL (t) {
  WITH t WHERE t:GCPBucket RETURN t AS bk
  UNION
  MATCH (t)<-[:PARENT*0..]-(:GCPProject)-[:RESOURCE]->(bk:GCPBucket) RETURN bk
}
WITH b, t, bk WHERE coalesce(bk.iam_config_public_access_prevention, '') <> 'enforced'
"""
    + PROJECT.format(v="bk")
    + """
RETURN bk.id AS id, bk.name AS name, labels(bk) AS labels, coalesce(bk.project_id, proj) AS account,
       bk.iam_config_public_access_prevention AS pap, b.role AS role, b.public_members AS who,
       coalesce(b.has_condition, false) AS conditional, b.condition_title AS title,
       b.condition_expression AS expression,
       t.id AS at, labels(t) AS at_labels
"""
)
# GCE statuses in which the VM is not running (a stopped VM answers nothing).
STOPPED = ["TERMINATED", "STOPPED", "STOPPING", "SUSPENDED", "SUSPENDING"]
ENGINE_PORTS = {"POSTGRES": 5432, "MYSQL": 3306, "SQLSERVER": 1433}
# Roles by what they let a member do with data (storage / cloudsql); see docs/exposure.md.
BASIC = {"roles/owner": "admin", "roles/editor": "admin", "roles/viewer": "read"}
SERVICE_ROLES = {
    "admin": "admin",
    "objectAdmin": "write",
    "objectCreator": "write",
    "objectUser": "write",
    "legacyBucketOwner": "write",
    "legacyBucketWriter": "write",
    "editor": "write",
    "client": "write",
    "instanceUser": "write",
    "viewer": "read",
    "objectViewer": "read",
    "legacyObjectReader": "read",
    "legacyBucketReader": "read",
}


def condition_note(r: dict[str, Any]) -> str:
    """The reason suffix " (conditional: <title>: <expression>)": an IAM Condition is kept, never
    evaluated, and shown whole."""
    parts = [p for p in (r.get("title"), r.get("expression")) if p]
    return f" (conditional: {': '.join(parts) or 'IAM condition'})"


def access_of(role: str, label: str) -> str | None:
    """The data access ``role`` gives on a ``GCPBucket`` / ``GCPCloudSQLInstance`` (None: no data access)."""
    if role in BASIC:
        return BASIC[role]
    service = {"GCPBucket": "roles/storage.", "GCPCloudSQLInstance": "roles/cloudsql."}.get(label)
    if not service or not role.startswith(service):
        return None
    return SERVICE_ROLES.get(role[len(service) :])


def whole_internet(cidr: str, version: int | None = None) -> bool:
    """Does ``cidr`` contain every address (of ``version``)? ``0.0.0.0/0``, ``::/0``."""
    try:
        net = ipaddress.ip_network(str(cidr).strip(), strict=False)
    except ValueError:
        return False
    return net.prefixlen == 0 and (version is None or net.version == version)


def where(at_labels: list[str], at: str) -> str:
    """Where a binding is set, for reasons: ``the bucket`` / ``project acme-prod (inherited)``."""
    kind = next((k for k in ("Organization", "Folder", "Project") if f"GCP{k}" in at_labels), None)
    if kind:
        return f"{kind.lower()} {at} (inherited)"
    if "GCPBucket" in at_labels:
        return "the bucket"
    return "the service account" if "GCPServiceAccount" in at_labels else "the resource"


@dataclass(frozen=True)
class Entry:
    """One GCPIpRule of a firewall that admits the whole internet."""

    firewall: str
    priority: int
    deny: bool
    protocol: Any
    fromport: Any
    toport: Any


def firewall_ports(entries: list[Entry]) -> tuple[P.PortSet, dict[str, P.PortSet], dict[str, P.PortSet]]:
    """GCP semantics for traffic from an arbitrary internet address, per protocol and port: the rule with
    the lowest priority number decides, deny before allow at equal priority, nothing matched = the implied
    deny. Returns (allowed ports, ports each allowing firewall decided, ports each deny took from a later
    allow)."""
    ordered = sorted(entries, key=lambda e: (int(e.priority), not e.deny, e.firewall))
    allowed: P.PortSet = {p: [] for p in P.PROTOCOLS}
    by_allow: dict[str, P.PortSet] = defaultdict(lambda: {p: [] for p in P.PROTOCOLS})
    by_deny: dict[str, P.PortSet] = defaultdict(lambda: {p: [] for p in P.PROTOCOLS})
    for proto in P.PROTOCOLS:
        remaining = list(P.FULL)
        for i, e in enumerate(ordered):
            if proto not in P.protocols(e.protocol):
                continue
            hit = P.intersect(remaining, P.span(e.fromport, e.toport))
            if not hit:
                continue
            remaining = P.subtract(remaining, hit)
            if not e.deny:
                allowed[proto] = P.normalise(allowed[proto] + hit)
                by_allow[e.firewall][proto] = P.normalise(by_allow[e.firewall][proto] + hit)
                continue
            later = P.normalise(
                iv
                for x in ordered[i + 1 :]
                if not x.deny and proto in P.protocols(x.protocol)
                for iv in P.span(x.fromport, x.toport)
            )
            shadowed = P.intersect(hit, later)
            if shadowed:
                by_deny[e.firewall][proto] = P.normalise(by_deny[e.firewall][proto] + shadowed)
    return allowed, dict(by_allow), dict(by_deny)


@dataclass
class Firewall:
    id: str
    name: str
    priority: int
    versions: set[int]  # address families it admits the whole internet in
    tags: list[str]
    sas: list[str]
    rules: list[dict[str, Any]]

    def targets(self, tags: list[str], sa: str | None) -> str | None:
        """How the firewall targets an instance (None: it does not)."""
        if self.sas:
            return f"target service account {sa}" if sa in self.sas else None
        if self.tags:
            hit = sorted(set(self.tags) & set(tags))
            return f"target tag {', '.join(hit)}" if hit else None
        return "all instances of the network"


def read_firewalls() -> dict[str, list[Firewall]]:
    """VPC partial URI -> its enabled ingress firewalls open to a whole address family."""
    out: dict[str, list[Firewall]] = defaultdict(list)
    for r in [*driver.read(FIREWALLS), *firewall_rows()]:  # ours, then those Cartography described
        versions = {v for v in (4, 6) if any(whole_internet(c, v) for c in r["ranges"] or [])}
        if versions and r["rules"]:
            out[r["vpc"]].append(
                Firewall(r["id"], r["name"], int(r["priority"]), versions, r["tags"], r["sas"], r["rules"])
            )
    return out


def instance_ports(
    firewalls: list[Firewall], tags: list[str], sa: str | None, version: int
) -> tuple[P.PortSet, str]:
    """Ports the internet reaches on a NIC through its network's firewalls, and why."""
    entries, names = [], {}
    for fw in firewalls:
        how = fw.targets(tags, sa) if version in fw.versions else None
        if how is None:
            continue
        names[fw.id] = f"{fw.name} (priority {fw.priority}, {how})"
        entries += [
            Entry(fw.id, fw.priority, bool(r["deny"]), r["protocol"], r["fromport"], r["toport"])
            for r in fw.rules
        ]
    allowed, by_allow, by_deny = firewall_ports(entries)
    world = "0.0.0.0/0" if version == 4 else "::/0"
    why = [f"firewall {names[f]} allows {', '.join(P.labels(ps))} from {world}" for f, ps in by_allow.items()]
    why += [f"firewall {names[f]} denies {', '.join(P.labels(ps))}" for f, ps in by_deny.items()]
    return allowed, "; ".join(why)


def compute(g: AttackGraph) -> None:
    _instances(g)
    _cloudsql(g)
    _gke(g)
    _buckets(g)


def _instances(g: AttackGraph) -> None:
    firewalls = read_firewalls()
    found: dict[str, tuple[dict[str, Any], P.PortSet, list[str]]] = {}
    for r in [*driver.read(INSTANCES, {"stopped": STOPPED}), *instance_rows(STOPPED)]:
        try:
            version = ipaddress.ip_address(r["ip"]).version
        except ValueError:
            continue
        allowed, why = instance_ports(firewalls.get(r["vpc"], []), r["tags"], r["sa"], version)
        if P.empty(allowed):
            continue
        _, ports, reasons = found.get(r["id"], (r, {p: [] for p in P.PROTOCOLS}, []))
        ports = {p: P.normalise(ports[p] + allowed[p]) for p in P.PROTOCOLS}
        reasons.append(f"external IP {r['ip']} ({r['nic']}) on {', '.join(P.labels(allowed))}: {why}")
        found[r["id"]] = (r, ports, reasons)
    for r, ports, reasons in found.values():
        g.expose(node_from(r, "GCPInstance"), "direct", P.labels(ports), " | ".join(reasons))


def _cloudsql(g: AttackGraph) -> None:
    for r in driver.read(CLOUDSQL):
        if not any(whole_internet(c, 4) for c in r["networks"]):
            continue
        engine = str(r["version"] or "").split("_")[0]
        port = ENGINE_PORTS.get(engine)
        ssl = "" if r["require_ssl"] else f"; SSL not required ({r['ssl_mode'] or 'ssl_mode unset'})"
        g.expose(
            node_from(r, "GCPCloudSQLInstance"),
            "direct",
            [f"{port}/tcp"] if port else [],
            f"public IP {r['ip']} (ipv4Enabled) on "
            f"{f'{port}/tcp' if port else 'the port of engine ' + (engine or 'unknown')}: "
            f"authorized networks {', '.join(r['networks'])}{ssl}",
        )


def _gke(g: AttackGraph) -> None:
    for r in driver.read(GKE):
        open_cidrs = [c for c in r["cidrs"] if whole_internet(c)]
        if r["man"] and not open_cidrs:
            continue
        how = (
            f"master authorized networks include {', '.join(open_cidrs)}"
            if r["man"]
            else "master authorized networks disabled"
        )
        g.expose(
            node_from(r, "GKECluster"),
            "gke-endpoint",
            ["443/tcp"],
            f"GKE control plane public endpoint {r['endpoint']} (private endpoint not enabled), {how}",
            weight=0.6,
        )


PAP = "storage.publicAccessPrevention"


def _buckets(g: AttackGraph) -> None:
    reasons: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for r in driver.read(PUBLIC_BUCKETS):
        if access_of(r["role"], "GCPBucket") is None:
            continue
        cond = condition_note(r) if r["conditional"] else ""
        who = ", ".join(r["who"] or [])
        text = f"binding {r['role']} on {where(r['at_labels'], r['at'])} grants {who}{cond}"
        reasons.setdefault(r["id"], (r, []))[1].append(text)
    # The bucket's own 'inherited' defers to storage.publicAccessPrevention on its project / folders /
    # organization: enforced there, allUsers / allAuthenticatedUsers bindings have no effect.
    org = effective_for_projects(PAP, [r["account"] for r, _ in reasons.values() if r["account"]])
    for r, why in reasons.values():
        pap = r["pap"] or "unset"
        eff = org.get(r["account"])
        if eff is not None and eff.enforced and not eff.conditional:
            g.cleared[r["id"]] = f"public binding blocked: {eff.describe()}"
            continue
        policy = f"; org policy {eff.describe()}" if eff is not None and eff.collected else ""
        g.expose(
            node_from(r, "GCPBucket"),
            "gcs-public-iam",
            ["443/tcp"],
            f"{'; '.join(sorted(why))}; public access prevention '{pap}' (not enforced){policy}",
        )
