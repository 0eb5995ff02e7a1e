"""Storage accounts (``storage account list``) and, where collected, their containers (``storage container
list --account-name <account>`` in ``storage/container-list/<account>.json``): ``public_containers`` is the
number of containers whose ``properties.publicAccess`` is ``blob`` or ``container`` — null when the
account's container list was not collected (unknown, not zero)."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.data import AZURE_STORAGE_ACCOUNT
from ingest.azure.common import Item, base, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _public(containers: Any) -> int:
    if not isinstance(containers, list):
        raise ValueError("container list is not a JSON array")

    # ``storage container list`` (data plane) nests properties.publicAccess: blob | container | null; the
    # management API's container list prints it flat: Blob | Container | None.
    def access(c: dict[str, Any]) -> str:
        return str((c.get("properties") or c).get("publicAccess") or "none").lower()

    return sum(1 for c in containers if access(c) not in ("none", "off"))


def _account(item: Item, containers: dict[str, Any]) -> dict[str, Any]:
    rules = item.get("networkRuleSet") or item.get("networkAcls") or {}  # az's name / the REST name
    listed = containers.get(item["name"])
    return {
        **base(item),
        "kind": item.get("kind"),
        "type": item.get("type"),
        "sku": (item.get("sku") or {}).get("name"),
        "access_tier": item.get("accessTier"),
        "creation_time": item.get("creationTime"),
        "primary_blob_endpoint": (item.get("primaryEndpoints") or {}).get("blob"),
        "public_network_access": item.get("publicNetworkAccess"),
        "allow_blob_public_access": item.get("allowBlobPublicAccess"),
        # null means the service default: shared key access allowed
        "allow_shared_key_access": item.get("allowSharedKeyAccess"),
        "supports_https_traffic_only": item.get(
            "enableHttpsTrafficOnly", item.get("supportsHttpsTrafficOnly")
        ),
        "minimum_tls_version": item.get("minimumTlsVersion"),
        "network_default_action": rules.get("defaultAction"),
        "allow_cross_tenant_replication": item.get("allowCrossTenantReplication"),
        "public_containers": None if listed is None else _public(listed),
    }


def transform(raw: tuple[list[Item], dict[str, Any]]) -> Transformed:
    items, containers = raw
    errors: list[str] = []
    rows = rows_each(items, lambda i: _account(i, containers), errors, "storage account list")
    return Transformed({AZURE_STORAGE_ACCOUNT: rows}, errors)


def _get(snap: Snapshot, scope: Scope) -> tuple[list[Item], dict[str, Any]] | None:
    items = read_list(snap, scope, "storage", "account-list")
    if items is None:
        return None
    return items, snap.azure_folder(scope.owner, scope.region, "storage", "container-list") or {}


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(MODULE, snap, ctx, scope, lambda: _get(snap, scope), transform)


MODULE = Module("azure", "storage", sync, (AZURE_STORAGE_ACCOUNT,), regional=True)
