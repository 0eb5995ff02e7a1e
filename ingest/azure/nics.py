"""Network interfaces (``network nic list``): each NIC's VM, subnets and public IPs (from its
``ipConfigurations``) and its own NSG. Loads after VMs, subnets, NSGs and public IPs (it MATCHes them)."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.network import AZURE_NETWORK_INTERFACE
from ingest.azure.common import Item, base, read_list, ref, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _nic(item: Item) -> dict[str, Any]:
    configs = item.get("ipConfigurations") or []
    return {
        **base(item),
        "mac_address": item.get("macAddress"),
        "enable_ip_forwarding": item.get("enableIPForwarding"),
        "private_ip_addresses": [c["privateIPAddress"] for c in configs if c.get("privateIPAddress")],
        "virtual_machine_id": ref(item.get("virtualMachine")),
        "nsg_id": ref(item.get("networkSecurityGroup")),
        "subnet_ids": sorted({s for c in configs if (s := ref(c.get("subnet")))}),
        "public_ip_ids": sorted({p for c in configs if (p := ref(c.get("publicIPAddress")))}),
    }


def transform(items: list[Item]) -> Transformed:
    errors: list[str] = []
    return Transformed({AZURE_NETWORK_INTERFACE: rows_each(items, _nic, errors, "network nic list")}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(
        MODULE, snap, ctx, scope, lambda: read_list(snap, scope, "network", "nic-list"), transform
    )


MODULE = Module("azure", "nics", sync, (AZURE_NETWORK_INTERFACE,), regional=True)
