"""Route tables (``network route-table list``): the table, its ``routes`` (address prefix → next hop type /
IP) and the ``subnets`` it is attached to. The table also records where its ``0.0.0.0/0`` route sends
internet-bound traffic (``default_next_hop_type``: ``Internet``, ``VirtualAppliance``, ``None``, …), which
exposure reports for public endpoints in those subnets. Loads after virtual networks (it MATCHes subnets)."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.loadbalancing import AZURE_ROUTE, AZURE_ROUTE_TABLE
from ingest.azure.common import Item, base, sync_azure
from ingest.azure.subresources import children, getter, refs, transform_each
from ingest.core import ModuleResult, RunContext
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

DEFAULT = "0.0.0.0/0"


def _rows(item: Item) -> dict[Any, list[Any]]:
    table = base(item)
    routes = [
        {
            **base(r),
            "location": table["location"],
            "route_table_id": table["id"],
            "address_prefix": r.get("addressPrefix"),
            "next_hop_type": r.get("nextHopType"),
            "next_hop_ip_address": r.get("nextHopIpAddress"),
        }
        for _, r in children(item, "routes")
    ]
    default = next((r for r in routes if r["address_prefix"] == DEFAULT), None)
    table.update(
        disable_bgp_route_propagation=item.get("disableBgpRoutePropagation"),
        subnet_ids=refs(item.get("subnets")),
        default_next_hop_type=default["next_hop_type"] if default else None,
        default_next_hop_ip=default["next_hop_ip_address"] if default else None,
    )
    return {AZURE_ROUTE_TABLE: [table], AZURE_ROUTE: routes}


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(
        MODULE,
        snap,
        ctx,
        scope,
        getter(snap, scope, "network", "route-table-list"),
        transform_each(snap, scope, "network", "route-table-list", _rows),
    )


MODULE = Module("azure", "route_tables", sync, (AZURE_ROUTE_TABLE, AZURE_ROUTE), regional=True)
