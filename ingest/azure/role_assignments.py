"""Role assignments (``role assignment list --all --include-inherited``): AzureRoleAssignment with its role
(ROLE_ASSIGNED), what it applies to (APPLIES_TO the management group, subscription, resource group or
resource at its ``scope``) and its principal (HAS_ROLE_ASSIGNMENT from a managed identity or Entra user).

``scope_level`` is ``root`` ("/"), ``management_group``, ``subscription``, ``resource_group`` or
``resource``; ``inherited`` is true when the scope is above this subscription (listed by
``--include-inherited``): it still grants access here.
"""

from __future__ import annotations

from typing import Any

from graph.schema.azure.iam import AZURE_ROLE_ASSIGNMENT
from ingest.azure.common import Item, base, read_list, rows_each, sync_azure
from ingest.azure.role_definitions import definition_id
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def scope_level(scope: str) -> str:
    parts = [p for p in scope.lower().split("/") if p]
    if not parts:
        return "root"
    if parts[:3] == ["providers", "microsoft.management", "managementgroups"]:
        return "management_group"
    if parts[0] == "subscriptions":
        if len(parts) == 2:
            return "subscription"
        if len(parts) == 4 and parts[2] == "resourcegroups":
            return "resource_group"
        return "resource"
    return "resource"


def _assignment(item: Item, subscription: str) -> dict[str, Any]:
    scope = item["scope"]
    level = scope_level(scope)
    row = base(item)
    row.update(
        name=item.get("name"),
        principal_id=item["principalId"],
        principal_type=item.get("principalType"),
        principal_name=item.get("principalName"),  # UPN / display name, when az could resolve it
        role_definition_id=definition_id(item["roleDefinitionId"]),
        role_definition_name=item.get("roleDefinitionName"),
        scope=scope,
        scope_level=level,
        scope_id=scope.lower() if level not in ("subscription", "root") else None,
        scope_subscription=scope.lower().rsplit("/", 1)[-1] if level == "subscription" else None,
        inherited=level in ("root", "management_group")
        or (level == "subscription" and scope.lower().rsplit("/", 1)[-1] != subscription.lower()),
        condition=item.get("condition"),
        resource_group_id=None,
    )
    return row


def transform(items: list[Item], subscription: str) -> Transformed:
    errors: list[str] = []
    rows = rows_each(items, lambda i: _assignment(i, subscription), errors, "role assignment list")
    return Transformed({AZURE_ROLE_ASSIGNMENT: rows}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_list(snap, scope, "role", "assignment-list"),
        lambda items: transform(items, scope.region),
    )


MODULE = Module("azure", "role_assignments", sync, (AZURE_ROLE_ASSIGNMENT,), regional=True)
