"""Role definitions (``role definition list``: built-in and custom) with their permissions: ``actions`` /
``notActions`` / ``dataActions`` / ``notDataActions`` are the union over the definition's ``permissions``."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.iam import AZURE_ROLE_DEFINITION
from ingest.azure.common import Item, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

PREFIX = "/providers/microsoft.authorization/roledefinitions/"


def definition_id(value: str) -> str:
    """Any role definition id (subscription-, management-group- or tenant-scoped) → its tenant-wide id."""
    return PREFIX + value.rstrip("/").rsplit("/", 1)[-1].lower()


def _union(permissions: list[Item], key: str) -> list[str]:
    return sorted({a for p in permissions for a in p.get(key) or []})


def _definition(item: Item) -> dict[str, Any]:
    perms = item.get("permissions") or []
    return {
        "id": definition_id(item["id"]),
        "resource_id": item["id"],
        "name": item["name"],
        "role_name": item["roleName"],
        "role_type": item.get("roleType"),
        "description": item.get("description"),
        "actions": _union(perms, "actions"),
        "not_actions": _union(perms, "notActions"),
        "data_actions": _union(perms, "dataActions"),
        "not_data_actions": _union(perms, "notDataActions"),
        "assignable_scopes": list(item.get("assignableScopes") or []),
    }


def transform(items: list[Item]) -> Transformed:
    errors: list[str] = []
    return Transformed(
        {AZURE_ROLE_DEFINITION: rows_each(items, _definition, errors, "role definition list")}, errors
    )


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(
        MODULE, snap, ctx, scope, lambda: read_list(snap, scope, "role", "definition-list"), transform
    )


MODULE = Module("azure", "role_definitions", sync, (AZURE_ROLE_DEFINITION,), regional=True)
