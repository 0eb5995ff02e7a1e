"""Virtual machines (``vm list --show-details``): AzureVirtualMachine. ``--show-details`` adds
``powerState`` and the addresses as comma-separated strings (``publicIps``, ``privateIps``); the identity
block gives the system-assigned principal and the user-assigned identities (RUNS_AS)."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.compute import AZURE_VIRTUAL_MACHINE
from ingest.azure.common import Item, arm, base, csv, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def identity_fields(identity: Any) -> dict[str, Any]:
    """Identity type, every principal id (system + user-assigned) and the user-assigned identity ids."""
    identity = identity if isinstance(identity, dict) else {}
    users = identity.get("userAssignedIdentities") or {}
    principals = [identity.get("principalId")] + [(u or {}).get("principalId") for u in users.values()]
    return {
        "identity_type": identity.get("type"),
        "identity_principal_ids": sorted({p for p in principals if p}),
        "user_identity_ids": sorted(arm(k) for k in users),
    }


def _vm(item: Item) -> dict[str, Any]:
    os_profile = item.get("osProfile") or {}
    linux = os_profile.get("linuxConfiguration") or {}
    return {
        **base(item),
        **identity_fields(item.get("identity")),
        "vm_id": item.get("vmId"),
        "size": (item.get("hardwareProfile") or {}).get("vmSize"),
        "computer_name": os_profile.get("computerName"),
        "admin_username": os_profile.get("adminUsername"),
        "password_authentication": (not linux["disablePasswordAuthentication"])
        if isinstance(linux.get("disablePasswordAuthentication"), bool)
        else None,
        "os_type": ((item.get("storageProfile") or {}).get("osDisk") or {}).get("osType"),
        "power_state": item.get("powerState"),
        "public_ips": csv(item.get("publicIps")),
        "private_ips": csv(item.get("privateIps")),
        "zones": list(item.get("zones") or []),
    }


def transform(items: list[Item]) -> Transformed:
    errors: list[str] = []
    return Transformed({AZURE_VIRTUAL_MACHINE: rows_each(items, _vm, errors, "vm list")}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(MODULE, snap, ctx, scope, lambda: read_list(snap, scope, "vm", "list"), transform)


MODULE = Module("azure", "vms", sync, (AZURE_VIRTUAL_MACHINE,), regional=True)
