"""VPC firewall rules (``compute.googleapis.com/Firewall``) as GCPFirewall + GCPIpRule + GCPIpRange.

Each ``allowed[]``/``denied[]`` entry becomes one GCPIpRule per port or port range (Cartography's ids:
``<fw>/allow/22tcp``, ``<fw>/deny/8000to8080tcp``, ``<fw>/allow/icmp``); an entry without ports covers
every port, so fromport/toport stay null. Source ranges hang off each rule (MEMBER_OF_IP_RULE).
"""

from __future__ import annotations

from typing import Any

from graph.schema.gcp.compute import GCP_FIREWALL, GCP_IP_RANGE, GCP_IP_RULE_ALLOWED, GCP_IP_RULE_DENIED
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.gcp.common import (
    RESOURCE,
    Asset,
    all_variants,
    envelope,
    partial_uri,
    read_assets,
    rows_each,
    sync_gcp,
)
from ingest.gcp.network_tags import FIREWALL, tag_id
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _rules(fw_id: str, entries: list[dict[str, Any]], kind: str, number: str | None) -> list[dict[str, Any]]:
    rows = []
    for entry in entries:
        protocol = str(entry["IPProtocol"]).lower()
        for port in entry.get("ports") or [None]:
            low, _, high = (port or "").partition("-")
            label = "" if port is None else (f"{low}to{high}" if high else low)
            rows.append(
                {
                    "id": f"{fw_id}/{kind}/{label}{protocol}",
                    "protocol": protocol,
                    "fromport": int(low) if low else None,
                    "toport": int(high or low) if low else None,
                    "firewall_id": fw_id,
                    "project_number": number,
                }
            )
    return rows


def _firewall(asset: Asset, data: dict[str, Any], scope: str) -> dict[str, Any]:
    env = envelope(asset, scope)
    fw_id = partial_uri(asset["name"]) or asset["name"]
    vpc = partial_uri(data.get("network"))
    allowed = _rules(fw_id, data.get("allowed") or [], "allow", env["project_number"])
    denied = _rules(fw_id, data.get("denied") or [], "deny", env["project_number"])
    return {
        **env,
        "id": fw_id,
        "name": data["name"],
        "self_link": data.get("selfLink"),
        "direction": data.get("direction", "INGRESS"),
        "disabled": bool(data.get("disabled", False)),
        "priority": int(data.get("priority", 1000)),
        "action": "deny" if data.get("denied") else "allow",
        "has_target_service_accounts": bool(data.get("targetServiceAccounts")),
        "source_ranges": list(data.get("sourceRanges") or []),
        "destination_ranges": list(data.get("destinationRanges") or []),
        "source_tags": list(data.get("sourceTags") or []),
        "target_tags": list(data.get("targetTags") or []),
        "target_service_accounts": list(data.get("targetServiceAccounts") or []),
        "target_tag_ids": [tag_id(vpc, t) for t in data.get("targetTags") or []],
        "vpc_partial_uri": vpc,
        "_allowed": allowed,
        "_denied": denied,
    }


def transform(assets: list[Asset], scope: str) -> Transformed:
    errors: list[str] = []
    firewalls = rows_each(assets, FIREWALL, lambda a, d: _firewall(a, d, scope), errors)
    ranges: dict[str, dict[str, Any]] = {}
    for fw in firewalls:
        # Ingress rules match on sourceRanges, egress rules on destinationRanges.
        cidrs = fw["source_ranges"] if fw["direction"] == "INGRESS" else fw["destination_ranges"]
        for cidr in cidrs:
            row = ranges.setdefault(
                cidr,
                {
                    "id": f"{scope}:{cidr}",
                    "range": cidr,
                    "rule_ids": [],
                    "project_number": fw["project_number"],
                },
            )
            row["rule_ids"] += [r["id"] for r in fw["_allowed"] + fw["_denied"]]
    return Transformed(
        {
            GCP_FIREWALL: firewalls,
            GCP_IP_RULE_ALLOWED: [r for fw in firewalls for r in fw["_allowed"]],
            GCP_IP_RULE_DENIED: [r for fw in firewalls for r in fw["_denied"]],
            GCP_IP_RANGE: list(ranges.values()),
        },
        errors,
    )


SCHEMAS = [GCP_FIREWALL, GCP_IP_RULE_ALLOWED, GCP_IP_RULE_DENIED, GCP_IP_RANGE]


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_assets(snap, owner, RESOURCE),
        lambda assets: transform(assets, owner),
        SCHEMAS,
    )


MODULE = Module("gcp", "firewalls", sync, all_variants(*SCHEMAS))
