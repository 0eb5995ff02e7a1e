"""Network security groups (``network nsg list``) with ``securityRules`` and ``defaultSecurityRules``:
AzureNetworkSecurityGroup + one AzureNetworkSecurityRule per rule (inbound / outbound schema by direction).
The default rules (65000–65500) are real rules Azure evaluates, so they load too (``is_default``)."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.network import (
    AZURE_NETWORK_SECURITY_GROUP,
    AZURE_NSG_RULE_INBOUND,
    AZURE_NSG_RULE_OUTBOUND,
)
from ingest.azure.common import Item, base, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _both(rule: Item, single: str, plural: str) -> list[str]:
    values = [rule.get(single)] + list(rule.get(plural) or [])
    return sorted({str(v) for v in values if v not in (None, "")})


def rule_row(rule: Item, nsg_id: str, is_default: bool) -> dict[str, Any]:
    return {
        **base(rule),
        "nsg_id": nsg_id,
        "is_default": is_default,
        "description": rule.get("description"),
        "protocol": rule.get("protocol"),
        "direction": rule["direction"],
        "access": rule["access"],
        "priority": int(rule["priority"]),
        "source_address_prefix": rule.get("sourceAddressPrefix"),
        "source_address_prefixes": list(rule.get("sourceAddressPrefixes") or []),
        "source_port_range": rule.get("sourcePortRange"),
        "source_port_ranges": list(rule.get("sourcePortRanges") or []),
        "destination_address_prefix": rule.get("destinationAddressPrefix"),
        "destination_address_prefixes": list(rule.get("destinationAddressPrefixes") or []),
        "destination_port_range": rule.get("destinationPortRange"),
        "destination_port_ranges": list(rule.get("destinationPortRanges") or []),
        "source_prefixes": _both(rule, "sourceAddressPrefix", "sourceAddressPrefixes"),
        "destination_prefixes": _both(rule, "destinationAddressPrefix", "destinationAddressPrefixes"),
        "destination_ports": _both(rule, "destinationPortRange", "destinationPortRanges"),
    }


def _nsg(item: Item) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row = base(item)
    rules = [rule_row(r, row["id"], False) for r in item.get("securityRules") or []]
    rules += [rule_row(r, row["id"], True) for r in item.get("defaultSecurityRules") or []]
    return row, rules


def transform(items: list[Item]) -> Transformed:
    errors: list[str] = []
    pairs = rows_each(items, _nsg, errors, "network nsg list")
    rules = [r for _, rs in pairs for r in rs]
    return Transformed(
        {
            AZURE_NETWORK_SECURITY_GROUP: [p[0] for p in pairs],
            AZURE_NSG_RULE_INBOUND: [r for r in rules if r["direction"].lower() == "inbound"],
            AZURE_NSG_RULE_OUTBOUND: [r for r in rules if r["direction"].lower() != "inbound"],
        },
        errors,
    )


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(
        MODULE, snap, ctx, scope, lambda: read_list(snap, scope, "network", "nsg-list"), transform
    )


MODULE = Module(
    "azure",
    "nsgs",
    sync,
    (AZURE_NETWORK_SECURITY_GROUP, AZURE_NSG_RULE_INBOUND, AZURE_NSG_RULE_OUTBOUND),
    regional=True,
)
