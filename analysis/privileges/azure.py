"""Effective Azure RBAC role grants per principal in one subscription, and which of them are admin-equivalent.

Input: the subscription's ``az role assignment list --all --include-inherited`` rows (so assignments set on
the tenant root ``/``, on management groups above the subscription, on the subscription, its resource groups
and resources) and the ``az role definition list`` roles they name (built-in and custom).

Canonical form: per principal object id a sorted tuple of ``AzureGrant(role, resource, assigned_at,
condition, role_id, perms)``. An assignment set *above* the subscription (root, management group) grants
its role on the subscription and everything in it, so it is projected onto the subscription: ``resource`` is
the subscription, ``assigned_at`` the level it is inherited from. An assignment on the subscription, a
resource group or a resource grants on that scope (and everything below it, which need not be listed: a
new resource group never reads as creep). ``perms`` is the role's canonical permission lists
(``actions`` / ``notActions`` / ``dataActions`` / ``notDataActions``), so widening a custom role changes the
principal's hash; ``None`` when the definition was not collected (permissions unknown, never "none").

Admin-equivalent: the built-in Owner, Contributor and User Access Administrator (by their fixed ids), and any
role whose actions, after notActions, allow every action (``*``) or
``Microsoft.Authorization/roleAssignments/write`` (it can grant itself anything). Patterns match as Azure
documents: ``*`` is any run of characters, case-insensitive.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from analysis.privileges.globs import glob_matches
from analysis.privileges.grant_set import GrantSet, grant_text

# Built-in role definition ids are the same in every tenant.
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
USER_ACCESS_ADMIN = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"
ADMIN_BUILTINS: Mapping[str, str] = {
    OWNER: "built-in Owner: full control, including role assignments",
    CONTRIBUTOR: "built-in Contributor: full control of resources (all actions but authorization writes)",
    USER_ACCESS_ADMIN: "built-in User Access Administrator: can assign any role, so can grant itself Owner",
}
ASSIGN_ROLES = "Microsoft.Authorization/roleAssignments/write"
PERM_KEYS = ("actions", "not_actions", "data_actions", "not_data_actions")


class AzureRole(NamedTuple):
    """One role definition: its guid (last segment of the definition id), name and permission lists."""

    guid: str
    name: str
    actions: tuple[str, ...] = ()
    not_actions: tuple[str, ...] = ()
    data_actions: tuple[str, ...] = ()
    not_data_actions: tuple[str, ...] = ()

    def perms(self) -> str:
        return json.dumps([sorted(getattr(self, k)) for k in PERM_KEYS], separators=(",", ":"))


def allows(patterns: Iterable[str], excluded: Iterable[str], action: str) -> bool:
    """Whether an action is allowed by ``actions`` minus ``notActions`` (case-insensitive wildcards)."""
    a = action.lower()
    if not any(glob_matches(p.lower(), a) for p in patterns):
        return False
    return not any(glob_matches(p.lower(), a) for p in excluded)


def admin_reason(role: AzureRole) -> str | None:
    """Why a role is admin-equivalent, or None."""
    if role.guid in ADMIN_BUILTINS:
        return ADMIN_BUILTINS[role.guid]
    if allows(role.actions, role.not_actions, "*") and "*" in role.actions:
        return "actions `*`: every control-plane action"
    if allows(role.actions, role.not_actions, ASSIGN_ROLES):
        return f"allows {ASSIGN_ROLES}: can grant itself any role"
    return None


class AzureGrant(NamedTuple):
    role: str
    resource: str
    assigned_at: str
    condition: str | None = None
    role_id: str = ""
    perms: str | None = None

    def as_string(self) -> str:
        return grant_text(self.role, self.resource, self.assigned_at, self.condition)


class AzurePermissions(GrantSet):
    __slots__ = ("principal",)
    grants: tuple[AzureGrant, ...]

    def __init__(self, principal: str, grants: Iterable[AzureGrant]) -> None:
        self.principal = principal
        super().__init__(grants, _order)

    def __repr__(self) -> str:
        return f"AzurePermissions({self.principal!r}, {len(self.grants)} grants)"


def _order(g: AzureGrant) -> tuple[str, ...]:
    return (g.role, g.resource, g.assigned_at, g.condition or "", g.role_id, g.perms or "")


def role_guid(definition_id: str) -> str:
    return definition_id.rstrip("/").rsplit("/", 1)[-1].lower()


def covered_by_subscription(scope: str, subscription: str) -> str:
    """The resource an assignment at ``scope`` is reported on in ``subscription`` (see the docstring): the
    subscription for the tenant root and management groups above it, the scope itself otherwise."""
    s = scope.lower().rstrip("/") or "/"
    if s == "/" or s.startswith("/providers/microsoft.management/managementgroups/"):
        return f"/subscriptions/{subscription.lower()}"
    return s


def azure_permissions(
    assignments: Iterable[Mapping[str, Any]], roles: Mapping[str, AzureRole], subscription: str
) -> dict[str, AzurePermissions]:
    """Grants per principal id. ``assignments`` are az rows (``principalId``, ``roleDefinitionId``,
    ``roleDefinitionName``, ``scope``, ``condition``); ``roles`` maps a role guid to its definition."""
    grants: dict[str, set[AzureGrant]] = defaultdict(set)
    for a in assignments:
        guid = role_guid(a["roleDefinitionId"])
        role = roles.get(guid)
        at = a["scope"].lower().rstrip("/") or "/"
        grants[a["principalId"].lower()].add(
            AzureGrant(
                role.name if role else a.get("roleDefinitionName") or guid,
                covered_by_subscription(at, subscription),
                at,
                a.get("condition") or None,
                guid,
                role.perms() if role else None,
            )
        )
    return {p: AzurePermissions(p, g) for p, g in grants.items()}


def admin_reasons(perms: AzurePermissions, roles: Mapping[str, AzureRole]) -> list[str]:
    """``admin-equivalent:<role>: <why>`` per admin-equivalent role the principal holds unconditionally."""
    out = set()
    for g in perms.grants:
        role = roles.get(g.role_id) or AzureRole(g.role_id, g.role)
        why = admin_reason(role)
        if why and not g.condition:
            out.add(f"admin-equivalent:{g.role}: {why}")
    return sorted(out)
