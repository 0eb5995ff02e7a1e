"""Resource groups (``group list``) of one subscription, and the subscription node itself: every other
module of the subscription attaches to it, even when the tenant's ``account list`` did not show it."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.hierarchy import AZURE_RESOURCE_GROUP, AZURE_SUBSCRIPTION_SCOPE
from ingest.azure.common import Item, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _group(item: Item, subscription: str) -> dict[str, Any]:
    return {
        "id": item["id"].lower(),
        "resource_id": item["id"],
        "name": item["name"],
        "location": item.get("location"),
        "provisioning_state": (item.get("properties") or {}).get("provisioningState"),
        "subscription_id": subscription,
    }


def transform(items: list[Item], scope: Scope) -> Transformed:
    errors: list[str] = []
    sub = scope.region
    own = {"id": sub, "path": f"/subscriptions/{sub}", "tenant_id": scope.owner}
    groups = rows_each(items, lambda i: _group(i, sub), errors, "group list")
    return Transformed({AZURE_SUBSCRIPTION_SCOPE: [own], AZURE_RESOURCE_GROUP: groups}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_list(snap, scope, "group", "list"),
        lambda i: transform(i, scope),
    )


MODULE = Module(
    "azure", "resource_groups", sync, (AZURE_SUBSCRIPTION_SCOPE, AZURE_RESOURCE_GROUP), regional=True
)
