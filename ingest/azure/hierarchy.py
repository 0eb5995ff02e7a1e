"""The tenant, its management groups and subscriptions (``account list``, ``account management-group show
--name <root> --expand --recurse``): AzureTenant, AzureManagementGroup, AzureSubscription with PARENT links.

The tenant node always gets a row, so every other module has an owner. Management groups load parents
first (a PARENT edge MATCHes its parent); a subscription's parent comes from the tree's ``children``. Either
file may be absent: the tree alone still yields the subscriptions it names, the account list alone the
subscriptions without parents; neither → not collected.
"""

from __future__ import annotations

from typing import Any

from graph.schema.azure.hierarchy import AZURE_MANAGEMENT_GROUP, AZURE_SUBSCRIPTION, AZURE_TENANT
from ingest.azure.common import Item, arm, read_list, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

GROUP, ACCOUNTS, TREE = "account", "list", "management-group-show"


def _walk(node: Item, parent: str | None, tenant: str, depth: int, groups: list, subs: dict) -> None:
    rid = node["id"]
    if rid.lower().startswith("/subscriptions/"):
        sub = rid.rsplit("/", 1)[-1].lower()
        subs[sub] = {
            "id": sub,
            "path": f"/subscriptions/{sub}",
            "name": node.get("displayName"),
            "parent_management_group_id": parent,
            "tenant_id": tenant,
        }
        return
    me = arm(rid)
    groups.append(
        {
            "id": me,
            "resource_id": rid,
            "name": node.get("name"),
            "displayname": node.get("displayName"),
            "tenantid": node.get("tenantId") or tenant,
            "type": node.get("type"),
            "parent_management_group_id": parent,
            "parent_tenant_id": tenant if parent is None else None,
            "_depth": depth,
        }
    )
    for child in node.get("children") or []:
        _walk(child, me, tenant, depth + 1, groups, subs)


def transform(raw: tuple[list[Item] | None, Any, list[Item] | None], tenant: str) -> Transformed:
    accounts, tree, listed = raw
    errors: list[str] = []
    groups: list[dict[str, Any]] = []
    subs: dict[str, dict[str, Any]] = {}
    if tree is not None:
        _walk(tree, None, tenant, 0, groups, subs)
    for i, acc in enumerate(accounts or []):
        try:
            if acc.get("tenantId", tenant).lower() != tenant.lower():
                continue  # ``account list`` shows every tenant the caller can reach; this folder is one
            sub = acc["id"].lower()
            row = subs.setdefault(
                sub,
                {
                    "id": sub,
                    "path": f"/subscriptions/{sub}",
                    "tenant_id": tenant,
                    "parent_management_group_id": None,
                },
            )
            row.update(name=acc.get("name"), state=acc.get("state"), is_default=acc.get("isDefault"))
        except (KeyError, TypeError, AttributeError) as exc:
            errors.append(f"account list[{i}]: {type(exc).__name__}: {exc}")
    # ``management-group list`` (flat, no parents) adds groups the tree did not reach, below the tenant.
    known = {g["id"] for g in groups}
    for i, mg in enumerate(listed or []):
        if isinstance(mg, dict) and isinstance(mg.get("id"), str) and arm(mg["id"]) not in known:
            groups.append(
                {
                    "id": arm(mg["id"]),
                    "resource_id": mg["id"],
                    "name": mg.get("name"),
                    "displayname": mg.get("displayName"),
                    "tenantid": mg.get("tenantId") or tenant,
                    "type": mg.get("type"),
                    "_depth": 99,
                }
            )
        elif not isinstance(mg, dict) or not isinstance(mg.get("id"), str):
            errors.append(f"management-group list[{i}]: no id")
    groups.sort(key=lambda g: g.pop("_depth"))
    return Transformed(
        {
            AZURE_TENANT: [{"id": tenant}],
            AZURE_MANAGEMENT_GROUP: groups,
            AZURE_SUBSCRIPTION: list(subs.values()),
        },
        errors,
    )


def _get(snap: Snapshot, scope: Scope) -> tuple[list[Item] | None, Any] | None:
    accounts = read_list(snap, scope, GROUP, ACCOUNTS)
    tree = snap.azure(scope.owner, "tenant", GROUP, TREE)
    if tree is not None and not (isinstance(tree, dict) and isinstance(tree.get("id"), str)):
        raise InputError(
            str(snap.azure_path(scope.owner, "tenant", GROUP, TREE)), "expected a management group", "id"
        )
    listed = read_list(snap, scope, GROUP, "management-group-list")
    return None if accounts is None and tree is None and listed is None else (accounts, tree, listed)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(
        MODULE, snap, ctx, scope, lambda: _get(snap, scope), lambda raw: transform(raw, scope.owner)
    )


MODULE = Module("azure", "hierarchy", sync, (AZURE_TENANT, AZURE_MANAGEMENT_GROUP, AZURE_SUBSCRIPTION))
