"""Public IP addresses (``network public-ip list``); ``ip_configuration_id`` names the NIC / load balancer
/ gateway configuration the address is bound to (null when unattached)."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.network import AZURE_PUBLIC_IP
from ingest.azure.common import Item, base, read_list, ref, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _ip(item: Item) -> dict[str, Any]:
    return {
        **base(item),
        "ip_address": item.get("ipAddress"),
        "allocation_method": item.get("publicIPAllocationMethod"),
        "sku": (item.get("sku") or {}).get("name"),
        "version": item.get("publicIPAddressVersion"),
        "fqdn": (item.get("dnsSettings") or {}).get("fqdn"),
        "ip_configuration_id": ref(item.get("ipConfiguration")),
    }


def transform(items: list[Item]) -> Transformed:
    errors: list[str] = []
    return Transformed({AZURE_PUBLIC_IP: rows_each(items, _ip, errors, "network public-ip list")}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(
        MODULE, snap, ctx, scope, lambda: read_list(snap, scope, "network", "public-ip-list"), transform
    )


MODULE = Module("azure", "public_ips", sync, (AZURE_PUBLIC_IP,), regional=True)
