"""Entra ID users (``ad user list``, Microsoft Graph shape): EntraUser, owned by the tenant.

Read only where the caller can read Entra ID; absent file → not collected (guests unknown, never "none").
"""

from __future__ import annotations

from typing import Any

from graph.schema.azure.iam import ENTRA_USER
from ingest.azure.common import Item, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _user(item: Item) -> dict[str, Any]:
    return {
        "id": item["id"].lower(),
        "user_principal_name": item.get("userPrincipalName"),
        "display_name": item.get("displayName"),
        "mail": item.get("mail"),
        # ``ad user list`` selects userType only on newer az versions; a #EXT# UPN is a guest either way.
        "user_type": item.get("userType")
        or ("Guest" if "#EXT#" in (item.get("userPrincipalName") or "") else None),
        "account_enabled": item.get("accountEnabled"),
    }


def transform(items: list[Item]) -> Transformed:
    errors: list[str] = []
    return Transformed({ENTRA_USER: rows_each(items, _user, errors, "ad user list")}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(MODULE, snap, ctx, scope, lambda: read_list(snap, scope, "ad", "user-list"), transform)


MODULE = Module("azure", "entra_users", sync, (ENTRA_USER,))
