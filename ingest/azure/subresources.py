"""What the network modules with nested sub-resources share (load balancers, application gateways, route
tables): a sub-resource must carry its ARM id, and a NIC ip configuration names its NIC.

``az`` prints sub-resources flattened like their parent (``properties`` merged in) and references as
``{"id": …, "resourceGroup": …}``. A sub-resource without an id cannot be linked to anything, so the whole
parent is skipped with an error naming the file, the list and the index (the other parents still load).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ingest.azure.common import Item, arm, read_list, ref, rows_each
from ingest.core import Transformed
from ingest.module import Scope
from ingest.sources.snapshot import Snapshot


def children(item: Item, key: str) -> list[tuple[str, Item]]:
    """``(lower-cased id, child)`` for each object of ``item[key]``; a child without an id is an error."""
    out = []
    for i, child in enumerate(item.get(key) or []):
        cid = arm(child.get("id")) if isinstance(child, dict) else None
        if not cid:
            raise ValueError(f"{key}[{i}] has no id")
        out.append((cid, child))
    return out


def refs(values: Any) -> list[str]:
    """The lower-cased ids of a list of ``{"id": …}`` references (None / missing entries dropped)."""
    return sorted({r for v in values or [] if (r := ref(v))})


def nic_of(ip_configuration_id: str | None) -> str | None:
    """``…/networkInterfaces/<nic>/ipConfigurations/<cfg>`` → the NIC's id (other owners, e.g. a scale set's
    virtual NIC, give None: they are not NIC nodes)."""
    if not ip_configuration_id or "/networkinterfaces/" not in ip_configuration_id:
        return None
    head, _, _ = ip_configuration_id.partition("/ipconfigurations/")
    return head if head.count("/") == 8 else None  # /subscriptions/s/resourcegroups/g/providers/p/t/name


def port(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def transform_each(
    snap: Snapshot, scope: Scope, group: str, command: str, row: Callable[[Item], dict[Any, list[Any]]]
) -> Callable[[list[Item]], Transformed]:
    """A transform: ``row(item)`` gives rows per schema for one parent; failures name the file."""

    def transform(items: list[Item]) -> Transformed:
        errors: list[str] = []
        what = str(snap.azure_path(scope.owner, scope.region, group, command))
        out: dict[Any, list[Any]] = {}
        for rows in rows_each(items, row, errors, what):
            for schema, values in rows.items():
                out.setdefault(schema, []).extend(values)
        return Transformed(out, errors)

    return transform


def getter(snap: Snapshot, scope: Scope, group: str, command: str) -> Callable[[], list[Item] | None]:
    return lambda: read_list(snap, scope, group, command)
