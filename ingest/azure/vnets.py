"""Virtual networks (``network vnet list``) and their ``subnets`` with each subnet's NSG and route table."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.network import AZURE_SUBNET, AZURE_VIRTUAL_NETWORK
from ingest.azure.common import Item, base, read_list, ref, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _subnet(item: Item, vnet_id: str) -> dict[str, Any]:
    return {
        **base(item),
        "address_prefix": item.get("addressPrefix"),
        "address_prefixes": list(
            item.get("addressPrefixes") or ([item["addressPrefix"]] if item.get("addressPrefix") else [])
        ),
        "nsg_id": ref(item.get("networkSecurityGroup")),
        "route_table_id": ref(item.get("routeTable")),
        "vnet_id": vnet_id,
    }


def _vnet(item: Item) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    row = base(item)
    row["provisioning_state"] = item.get("provisioningState")
    row["address_prefixes"] = list((item.get("addressSpace") or {}).get("addressPrefixes") or [])
    return row, [_subnet(s, row["id"]) for s in item.get("subnets") or []]


def transform(items: list[Item]) -> Transformed:
    errors: list[str] = []
    pairs = rows_each(items, _vnet, errors, "network vnet list")
    return Transformed(
        {AZURE_VIRTUAL_NETWORK: [p[0] for p in pairs], AZURE_SUBNET: [s for _, ss in pairs for s in ss]},
        errors,
    )


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(
        MODULE, snap, ctx, scope, lambda: read_list(snap, scope, "network", "vnet-list"), transform
    )


MODULE = Module("azure", "vnets", sync, (AZURE_VIRTUAL_NETWORK, AZURE_SUBNET), regional=True)
