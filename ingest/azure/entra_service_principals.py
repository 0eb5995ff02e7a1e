"""Entra ID service principals (``ad sp list --all``, Microsoft Graph shape): EntraServicePrincipal, owned by
the tenant — applications, managed identities (``servicePrincipalType`` ``ManagedIdentity``) and Microsoft's
first-party apps alike. Role assignments name them by object id (``principalId``); the privileges step
reports them by display name and ``appId``.

Read only where the caller can read Entra ID; absent file → not collected (names unknown, never "none").
"""

from __future__ import annotations

from typing import Any

from graph.schema.azure.iam import ENTRA_SERVICE_PRINCIPAL
from ingest.azure.common import Item, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _sp(item: Item) -> dict[str, Any]:
    return {
        "id": item["id"].lower(),
        "app_id": item.get("appId"),
        "display_name": item.get("displayName"),
        "service_principal_type": item.get("servicePrincipalType"),
        "app_owner_organization_id": item.get("appOwnerOrganizationId"),
        "account_enabled": item.get("accountEnabled"),
    }


def transform(items: list[Item]) -> Transformed:
    errors: list[str] = []
    return Transformed({ENTRA_SERVICE_PRINCIPAL: rows_each(items, _sp, errors, "ad sp list")}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(MODULE, snap, ctx, scope, lambda: read_list(snap, scope, "ad", "sp-list"), transform)


MODULE = Module("azure", "entra_service_principals", sync, (ENTRA_SERVICE_PRINCIPAL,))
