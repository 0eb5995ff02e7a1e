"""Key vaults (``keyvault list``). The vault's settings sit in its nested ``properties`` (``keyvault show``
prints them; ``keyvault list`` does on current az versions); a per-vault ``keyvault/show/<vault>.json``
wins when present. Without either, ``properties_collected`` is false and the settings stay null (unknown).
``enablePurgeProtection`` null inside collected properties means off (Azure omits it until enabled)."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.data import AZURE_KEY_VAULT
from ingest.azure.common import Item, base, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _vault(item: Item, shown: dict[str, Any]) -> dict[str, Any]:
    detail = shown.get(item["name"]) or item
    props = detail.get("properties") if isinstance(detail.get("properties"), dict) else None
    if props is None and ("vaultUri" in detail or "enableSoftDelete" in detail):
        props = detail  # printed flattened
    p = props or {}
    return {
        **base(item),
        "properties_collected": props is not None,
        "vault_uri": p.get("vaultUri"),
        "enable_purge_protection": bool(p.get("enablePurgeProtection")) if props is not None else None,
        "enable_soft_delete": p.get("enableSoftDelete"),
        "soft_delete_retention_days": p.get("softDeleteRetentionInDays"),
        "enable_rbac_authorization": p.get("enableRbacAuthorization"),
        "public_network_access": p.get("publicNetworkAccess"),
        "network_default_action": (p.get("networkAcls") or {}).get("defaultAction"),
    }


def transform(raw: tuple[list[Item], dict[str, Any]]) -> Transformed:
    items, shown = raw
    errors: list[str] = []
    return Transformed(
        {AZURE_KEY_VAULT: rows_each(items, lambda i: _vault(i, shown), errors, "keyvault list")}, errors
    )


def _get(snap: Snapshot, scope: Scope) -> tuple[list[Item], dict[str, Any]] | None:
    items = read_list(snap, scope, "keyvault", "list")
    if items is None:
        return None
    return items, snap.azure_folder(scope.owner, scope.region, "keyvault", "show") or {}


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(MODULE, snap, ctx, scope, lambda: _get(snap, scope), transform)


MODULE = Module("azure", "keyvaults", sync, (AZURE_KEY_VAULT,), regional=True)
