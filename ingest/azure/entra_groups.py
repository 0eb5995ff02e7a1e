"""Entra ID groups (``ad group list``) and, where collected, their direct members (``ad group member list
--group <object id>`` in ``ad/group-member-list/<group object id>.json``): EntraGroup, and
(EntraUser|EntraGroup|EntraServicePrincipal)-[:MEMBER_OF]->(EntraGroup) by the member's ``@odata.type``.

A group whose member list was not collected has ``members_collected`` false: its members are unknown (the
privileges step then keeps the group's roles on the group), never "no members"; its edges from an earlier
run are kept, not swept (graph/schema/azure/iam.py). Members of other types (devices, contacts) and members
not in the user / service principal listings are not linked. Loaded after users and service principals so
the member edges find them.
"""

from __future__ import annotations

from typing import Any

from graph.schema.azure.iam import ENTRA_GROUP, ENTRA_GROUP_MEMBERS
from ingest.azure.common import Item, read_list, rows_each, sync_azure
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

MEMBERS = "group-member-list"
# ``@odata.type`` of a directory object → the row field of its MEMBER_OF edge.
_KINDS = {
    "#microsoft.graph.user": "member_user_ids",
    "#microsoft.graph.group": "member_group_ids",
    "#microsoft.graph.serviceprincipal": "member_sp_ids",
}


def _group(item: Item, members: dict[str, Any]) -> dict[str, Any]:
    gid = item["id"].lower()
    return {
        "id": gid,
        "display_name": item.get("displayName"),
        "description": item.get("description"),
        "mail": item.get("mail"),
        "mail_nickname": item.get("mailNickname"),
        "visibility": item.get("visibility"),
        "security_enabled": item.get("securityEnabled"),
        "mail_enabled": item.get("mailEnabled"),
        "is_assignable_to_role": item.get("isAssignableToRole"),
        "group_types": list(item.get("groupTypes") or []),
        "members_collected": gid in members,
    }


def _members(gid: str, listed: Any) -> dict[str, Any]:
    if not isinstance(listed, list):
        raise ValueError("member list is not a JSON array")
    row: dict[str, Any] = {"id": gid, "member_count": len(listed)}
    for field in _KINDS.values():
        row[field] = []
    for m in listed:
        field = _KINDS.get(str(m.get("@odata.type") or "").lower())
        if field:
            row[field].append(m["id"].lower())
    return row


def transform(raw: tuple[list[Item], dict[str, Any]]) -> Transformed:
    items, members = raw
    errors: list[str] = []
    groups = rows_each(items, lambda i: _group(i, members), errors, "ad group list")
    rows = []
    for g in groups:
        if g["members_collected"]:
            try:
                rows.append(_members(g["id"], members[g["id"]]))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                g["members_collected"] = False  # unreadable: unknown, like a missing file
                errors.append(f"ad/{MEMBERS}/{g['id']}.json: {type(exc).__name__}: {exc}")
    return Transformed({ENTRA_GROUP: groups, ENTRA_GROUP_MEMBERS: rows}, errors)


def _get(snap: Snapshot, scope: Scope) -> tuple[list[Item], dict[str, Any]] | None:
    items = read_list(snap, scope, "ad", "group-list")
    if items is None:
        return None
    listed = snap.azure_folder(scope.owner, "tenant", "ad", MEMBERS) or {}
    return items, {name.lower(): body for name, body in listed.items()}


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: _get(snap, scope),
        transform,
        context={"members_collected": True},  # ENTRA_GROUP_MEMBERS sweeps among collected groups only
    )


MODULE = Module("azure", "entra_groups", sync, (ENTRA_GROUP, ENTRA_GROUP_MEMBERS))
