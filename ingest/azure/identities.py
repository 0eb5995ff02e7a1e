"""User-assigned managed identities (``identity list``): AzureManagedIdentity with its principal id, the id
role assignments name it by."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.iam import AZURE_MANAGED_IDENTITY
from ingest.azure.common import Item, base, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _identity(item: Item) -> dict[str, Any]:
    return {
        **base(item),
        "principal_id": item["principalId"],
        "client_id": item.get("clientId"),
        "tenant_id": item.get("tenantId"),
    }


def transform(items: list[Item]) -> Transformed:
    errors: list[str] = []
    return Transformed({AZURE_MANAGED_IDENTITY: rows_each(items, _identity, errors, "identity list")}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(MODULE, snap, ctx, scope, lambda: read_list(snap, scope, "identity", "list"), transform)


MODULE = Module("azure", "identities", sync, (AZURE_MANAGED_IDENTITY,), regional=True)
