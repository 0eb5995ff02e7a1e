"""What every Azure module shares: reading ``az`` output files, ARM id helpers and the sync wrapper.

``az … --output json`` prints the SDK models flattened (``properties`` merged into the object, camelCase
keys). A listing must be a JSON array; one item that cannot be read is skipped and named (status partial,
no cleanup); a file that is not an array fails the module with its path.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graph.schema.azure.common import SUBSCRIPTION_ID, TENANT_ID
from graph.schema.model import NodeSchema
from ingest.core import Getter, ModuleResult, RunContext, Transformer, sync_resource
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

Item = dict[str, Any]
TENANT = "tenant"  # the folder of tenant-wide output


def read_list(snap: Snapshot, scope: Scope, group: str, command: str) -> list[Item] | None:
    """One ``az`` listing of the scope (tenant-wide when ``scope.region`` is empty), or None."""
    folder = scope.region or TENANT
    data = snap.azure(scope.owner, folder, group, command)
    if data is None:
        return None
    if not isinstance(data, list):
        raise InputError(str(snap.azure_path(scope.owner, folder, group, command)), "expected a JSON array")
    return data


def rows_each(items: list[Any], row: Callable[[Item], Any], errors: list[str], what: str) -> list[Any]:
    """``row(item)`` per item; an item that fails is skipped and named in ``errors``."""
    out = []
    for i, item in enumerate(items):
        try:
            if not isinstance(item, dict):
                raise TypeError("not an object")
            out.append(row(item))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            name = item.get("id") or item.get("name") if isinstance(item, dict) else None
            errors.append(f"{what}[{i}] {name or ''}: {type(exc).__name__}: {exc}".replace(" :", ":"))
    return out


def arm(value: str | None) -> str | None:
    """An ARM id as a node id: lower-cased (ARM ids are case-insensitive; az mixes casings)."""
    return value.lower() if isinstance(value, str) and value else None


def ref(obj: Any) -> str | None:
    """The lower-cased id of a ``{"id": …}`` reference (az prints sub-resources that way), or None."""
    return arm(obj.get("id")) if isinstance(obj, dict) else None


def group_id(resource_id: str) -> str | None:
    """``/subscriptions/<s>/resourceGroups/<g>/…`` → the resource group's node id."""
    parts = resource_id.lower().split("/")
    if "resourcegroups" in parts and parts.index("resourcegroups") + 1 < len(parts):
        i = parts.index("resourcegroups")
        return "/".join(parts[: i + 2])
    return None


def tags_json(item: Item) -> str | None:
    tags = item.get("tags")
    return (
        json.dumps(tags, sort_keys=True, separators=(",", ":")) if isinstance(tags, dict) and tags else None
    )


def base(item: Item) -> dict[str, Any]:
    """The fields every ARM resource row has (common.ARM in the schema)."""
    rid = item["id"]
    if not isinstance(rid, str) or not rid.startswith("/"):
        raise ValueError(f"id is not an ARM resource id: {rid!r}")
    return {
        "id": rid.lower(),
        "resource_id": rid,
        "name": item.get("name"),
        "location": item.get("location"),
        "resource_group": item.get("resourceGroup"),
        "resource_group_id": group_id(rid),
        "tags": tags_json(item),
    }


def csv(value: Any) -> list[str]:
    """``vm list --show-details`` prints addresses as one comma-separated string."""
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return [v.strip() for v in str(value or "").split(",") if v.strip()]


def sync_azure(
    module: Module,
    snap: Snapshot,
    ctx: RunContext,
    scope: Scope,
    get: Getter,
    transform: Transformer,
    schemas: Sequence[NodeSchema] | None = None,
    *,
    context: Mapping[str, Any] | None = None,
    cleanup: bool = True,
) -> ModuleResult:
    """``sync_resource`` in one tenant (``scope.region`` empty) or one subscription of it."""
    full = {TENANT_ID: scope.owner, SUBSCRIPTION_ID: scope.region or None, **(context or {})}
    chosen = list(schemas if schemas is not None else module.schemas)
    return sync_resource(module.id, str(scope), ctx, get, transform, chosen, full, cleanup)
