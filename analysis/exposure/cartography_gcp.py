"""Cartography's GCE model read as the instance and firewall rows gcp.py evaluates (gcp._instances uses them).

Cartography 0.143 keeps a NIC's external IP on ``(nic)-[:RESOURCE]->(:GCPNicAccessConfig {public_ip})``, the
NIC's network through ``(nic)-[:PART_OF_SUBNET]->(:GCPSubnet {vpc_partial_uri})``, network tags as
``(i)-[:TAGGED]->(:GCPNetworkTag {value})``, and a firewall's network, source ranges and target tags as
``(:GCPVpc)-[:RESOURCE]->(f)``, ``(:GCPIpRange {range})-[:MEMBER_OF_IP_RULE]->(:GCPIpRule)`` and
``(f)-[:TARGET_TAG]->(:GCPNetworkTag)``. It records only *whether* a firewall targets service accounts, not
which: such a firewall is matched to no instance here (docs/cartography.md), never to every instance.
Only instances and firewalls our own ingest did not describe are read, so nothing is counted twice.
"""

from __future__ import annotations

from typing import Any

from graph import driver

NOT_COLLECTED = "<target service accounts not collected by Cartography>"
INSTANCES = """
MATCH (i:GCPInstance)-[:NETWORK_INTERFACE]->(nic:GCPNetworkInterface)-[:RESOURCE]->(ac:GCPNicAccessConfig)
WHERE nic.public_ip IS NULL AND ac.public_ip IS NOT NULL AND NOT coalesce(i.status, 'RUNNING') IN $stopped
CALL (nic) { OPTIONAL MATCH (nic)-[:PART_OF_SUBNET]->(sn:GCPSubnet)
             RETURN head(collect(sn.vpc_partial_uri)) AS vpc }
CALL (i) { OPTIONAL MATCH (i)-[:TAGGED]->(t:GCPNetworkTag) RETURN collect(DISTINCT t.value) AS tags }
CALL (i) { OPTIONAL MATCH (p:GCPProject)-[:RESOURCE]->(i) RETURN head(collect(p.id)) AS proj }
RETURN i.id AS id, coalesce(i.instancename, i.name, i.id) AS name, labels(i) AS labels,
       coalesce(i.project_id, proj) AS account, nic.name AS nic, ac.public_ip AS ip, vpc, tags,
       i.service_account_email AS sa
"""
FIREWALLS = """
MATCH (vpc:GCPVpc)-[:RESOURCE]->(f:GCPFirewall)
WHERE f.source_ranges IS NULL AND coalesce(f.direction, 'INGRESS') = 'INGRESS'
  AND NOT coalesce(f.disabled, false)
CALL (f) { OPTIONAL MATCH (x:GCPIpRange)-[:MEMBER_OF_IP_RULE]->(:GCPIpRule)-[:ALLOWED_BY|DENIED_BY]->(f)
           RETURN collect(DISTINCT x.range) AS ranges }
CALL (f) { OPTIONAL MATCH (r:GCPIpRule)-[rel:ALLOWED_BY|DENIED_BY]->(f)
           RETURN collect(CASE WHEN r IS NULL THEN null ELSE
               {protocol: r.protocol, fromport: r.fromport, toport: r.toport, deny: type(rel) = 'DENIED_BY'}
           END) AS rules }
CALL (f) { OPTIONAL MATCH (f)-[:TARGET_TAG]->(t:GCPNetworkTag) RETURN collect(DISTINCT t.value) AS tags }
RETURN f.id AS id, f.name AS name, vpc.id AS vpc, coalesce(f.priority, 1000) AS priority, ranges, tags,
       coalesce(f.has_target_service_accounts, false) AS by_sa, rules
"""


def instance_rows(stopped: list[str]) -> list[dict[str, Any]]:
    return driver.read(INSTANCES, {"stopped": stopped})


def firewall_rows() -> list[dict[str, Any]]:
    """Rows shaped like gcp.FIREWALLS' (``sas`` is a never-matching marker when Cartography lost them)."""
    out = []
    for r in driver.read(FIREWALLS):
        if not any(str(x).endswith("/0") for x in r["ranges"]):
            continue
        row = {k: r[k] for k in ("id", "name", "vpc", "priority", "ranges", "tags", "rules")}
        row["sas"] = [NOT_COLLECTED] if r["by_sa"] else []
        out.append(row)
    return out
