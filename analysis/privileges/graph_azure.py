"""Azure RBAC grants of every principal of some subscriptions, read from the graph.

Reads what ``ingest/azure`` stored for one subscription — its ``AzureRoleAssignment`` nodes (listed with
``--include-inherited``, so those set on the tenant root and on management groups above it are there too),
the ``AzureRoleDefinition`` each names, and who the principal is (``EntraUser`` / ``AzureManagedIdentity``
by ``HAS_ROLE_ASSIGNMENT``) — with one query, and hands them to ``azure.azure_permissions``.

The step's scopes are the modules' ``<tenant>/<subscription>`` scopes; a record's ``scope`` is the
subscription id (what scoped API keys name) and its principal id ``<subscription>/<principal object id>``:
a principal belongs to the tenant, not to a subscription, and may hold roles in several.

Kinds: ``azure-user``, ``azure-group``, ``azure-serviceprincipal``, ``azure-managedidentity`` (a service
principal that is a collected user-assigned identity) and ``azure-principal`` (``Unknown`` / other types,
e.g. a deleted principal). Entra group membership is not collected, so a group's roles stay on the group
and are not expanded onto its members; ``guardrails`` says so. Node flags (``admin_equivalent``) are not
written: an Entra principal is tenant-wide while these records are per subscription.

``sources`` (provenance) are the principal's role assignments: ``{"assignment", "role", "role_id", "scope",
"level"}``, so a gained grant names the assignment, the scope it is set on and that it is inherited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from analysis.privileges.azure import (
    AzurePermissions,
    AzureRole,
    admin_reasons,
    azure_permissions,
    role_guid,
)
from analysis.privileges.records import PrincipalRecord, compact_json
from graph import driver

_ASSIGNMENTS = """
MATCH (:AzureSubscription {id: $sub})-[:RESOURCE]->(a:AzureRoleAssignment)
OPTIONAL MATCH (a)-[:ROLE_ASSIGNED]->(d:AzureRoleDefinition)
OPTIONAL MATCH (u:EntraUser)-[:HAS_ROLE_ASSIGNMENT]->(a)
OPTIONAL MATCH (m:AzureManagedIdentity)-[:HAS_ROLE_ASSIGNMENT]->(a)
RETURN a.id AS id, a.name AS name, a.principal_id AS principal, a.principal_type AS type,
       a.principal_name AS principal_name, a.role_definition_id AS role_id,
       a.role_definition_name AS role_name, a.scope AS scope, a.scope_level AS level,
       a.condition AS condition,
       d.role_name AS def_name, d.actions AS actions, d.not_actions AS not_actions,
       d.data_actions AS data_actions, d.not_data_actions AS not_data_actions,
       d.id IS NOT NULL AS defined, u.user_principal_name AS upn, m.name AS identity
ORDER BY a.id
"""
_KINDS = {"User": "azure-user", "Group": "azure-group", "ForeignGroup": "azure-group"}
_SPECIFIC = ("azure-managedidentity", "azure-user", "azure-group", "azure-serviceprincipal")
GROUPS_NOTE = "Entra group membership not collected: a group's roles are reported on the group"


def _subscription(scope: str) -> str:
    """``<tenant>/<subscription>`` (a module scope) → the subscription id; a bare id stays."""
    return scope.rsplit("/", 1)[-1]


def _kind(row: dict[str, Any]) -> str:
    if row["identity"]:
        return "azure-managedidentity"
    if row["type"] == "ServicePrincipal":
        return "azure-serviceprincipal"
    return _KINDS.get(row["type"] or "", "azure-principal")


def read_subscription(sub: str) -> tuple[list[dict[str, Any]], dict[str, AzureRole]]:
    """The subscription's assignments (az-shaped rows plus names) and the roles they name."""
    rows, roles = [], {}
    for r in driver.read(_ASSIGNMENTS, {"sub": sub}):
        guid = role_guid(r["role_id"])
        if r["defined"]:
            roles[guid] = AzureRole(
                guid,
                r["def_name"] or r["role_name"] or guid,
                *(tuple(r[k] or ()) for k in ("actions", "not_actions", "data_actions", "not_data_actions")),
            )
        rows.append(
            {
                "id": r["id"],
                "name": r["name"],
                "principalId": r["principal"],
                "roleDefinitionId": r["role_id"],
                "roleDefinitionName": r["role_name"],
                "scope": r["scope"],
                "level": r["level"],
                "condition": r["condition"],
                "display": r["upn"] or r["identity"] or r["principal_name"],
                "kind": _kind(r),
            }
        )
    return rows, roles


def _source(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "assignment": row["id"],
        "role": row["roleDefinitionName"] or role_guid(row["roleDefinitionId"]),
        "role_id": role_guid(row["roleDefinitionId"]),
        "scope": row["scope"].lower().rstrip("/") or "/",
        "level": row["level"],
    }


def _notes(rows: list[dict[str, Any]], roles: dict[str, AzureRole], kind: str) -> str:
    notes = sorted(
        {
            f"role definition {role_guid(r['roleDefinitionId'])} not collected: its permissions are unknown"
            for r in rows
            if role_guid(r["roleDefinitionId"]) not in roles
        }
    )
    return "; ".join([*notes, *([GROUPS_NOTE] if kind == "azure-group" else [])])


def record(
    sub: str, perms: AzurePermissions, rows: list[dict[str, Any]], roles: dict[str, AzureRole]
) -> PrincipalRecord:
    reasons = admin_reasons(perms, roles)
    kinds = {r["kind"] for r in rows}  # an identity resolved on any of its assignments is an identity
    kind = next((k for k in _SPECIFIC if k in kinds), rows[0]["kind"])
    return PrincipalRecord(
        principal_id=f"{sub}/{perms.principal}",
        name=next((r["display"] for r in rows if r["display"]), perms.principal),
        kind=kind,
        scope=sub,
        sha256=perms.sha256,
        entries=compact_json([list(g) for g in perms.grants]),
        admin=bool(reasons),
        escalations=tuple(reasons),
        guardrails=_notes(rows, roles, kind),
        sources=compact_json(sorted((_source(r) for r in rows), key=lambda s: s["assignment"])),
    )


def compute_subscriptions(scopes: Iterable[str]) -> list[PrincipalRecord]:
    """Records for every principal holding a role in the given subscriptions (module scopes or ids)."""
    out: list[PrincipalRecord] = []
    for sub in sorted({_subscription(s) for s in scopes}):
        rows, roles = read_subscription(sub)
        perms = azure_permissions(rows, roles, sub)
        by_principal: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            by_principal.setdefault(r["principalId"].lower(), []).append(r)
        out += [record(sub, perms[p], by_principal[p], roles) for p in sorted(perms)]
    return out
