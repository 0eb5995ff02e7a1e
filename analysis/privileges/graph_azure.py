"""Azure RBAC grants of every principal of some subscriptions, read from the graph.

Reads what ``ingest/azure`` stored for one subscription — its ``AzureRoleAssignment`` nodes (listed with
``--include-inherited``, so those set on the tenant root and on management groups above it are there too),
the ``AzureRoleDefinition`` each names, and who the principal is (``EntraUser`` / ``AzureManagedIdentity`` /
``EntraGroup`` / ``EntraServicePrincipal`` by ``HAS_ROLE_ASSIGNMENT``) — with one query, plus the Entra group
memberships (one query for all subscriptions) — and hands them to ``azure.azure_permissions``.

The step's scopes are the modules' ``<tenant>/<subscription>`` scopes; a record's ``scope`` is the
subscription id (what scoped API keys name) and its principal id ``<subscription>/<principal object id>``:
a principal belongs to the tenant, not to a subscription, and may hold roles in several.

Kinds: ``azure-user``, ``azure-group``, ``azure-serviceprincipal``, ``azure-managedidentity`` (a service
principal that is a collected user-assigned identity) and ``azure-principal`` (``Unknown`` / other types,
e.g. a deleted principal). A service principal is named ``<displayName> (appId <appId>)`` from ``ad sp list``.

Groups: where a group's member list was collected (``EntraGroup.members_collected``), its role assignments
are expanded onto its members — users, service principals and nested groups, transitively and cycle-safe —
each member holding the group's grants with the source's ``via`` naming the group (``via group platform-ops``,
``via group platform-ops (through sre-oncall)`` for a nested member). A group whose list was not collected
(or that ``ad group list`` did not list) and never seen with members keeps its roles on the group and is not
expanded; ``guardrails`` says so: members unknown, never "no members". A group whose list was collected in an
earlier run but not in this one is expanded onto its last known members (the graph keeps those edges), and
the records say so: a missing file never reads as members losing access. Node flags (``admin_equivalent``)
are not written: an Entra principal is tenant-wide while these records are per subscription.

``sources`` (provenance) are the principal's role assignments: ``{"assignment", "role", "role_id", "scope",
"level"}`` (plus ``"via"`` when held through a group), so a gained grant names the assignment, the scope it
is set on, that it is inherited and through which group.
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
OPTIONAL MATCH (grp:EntraGroup)-[:HAS_ROLE_ASSIGNMENT]->(a)
OPTIONAL MATCH (sp:EntraServicePrincipal)-[:HAS_ROLE_ASSIGNMENT]->(a)
RETURN a.id AS id, a.name AS name, a.principal_id AS principal, a.principal_type AS type,
       a.principal_name AS principal_name, a.role_definition_id AS role_id,
       a.role_definition_name AS role_name, a.scope AS scope, a.scope_level AS level,
       a.condition AS condition,
       d.role_name AS def_name, d.actions AS actions, d.not_actions AS not_actions,
       d.data_actions AS data_actions, d.not_data_actions AS not_data_actions,
       d.id IS NOT NULL AS defined, u.user_principal_name AS upn, m.name AS identity,
       grp.display_name AS group_name, coalesce(grp.members_collected, false) AS members_collected,
       sp.display_name AS sp_name, sp.app_id AS app_id
ORDER BY a.id
"""
# Direct members of every group: this run's where its member list was collected, else the last known ones
# (edges of a group whose list is missing are kept, not swept — graph/schema/azure/iam.py).
_MEMBERS = """
MATCH (m)-[:MEMBER_OF]->(g:EntraGroup) WHERE m:EntraUser OR m:EntraGroup OR m:EntraServicePrincipal
OPTIONAL MATCH (mi:AzureManagedIdentity {principal_id: m.id})
RETURN g.id AS group, coalesce(g.members_collected, false) AS fresh, m.id AS member, labels(m) AS labels,
       coalesce(m.user_principal_name, m.display_name, m.id) AS display,
       coalesce(m.members_collected, false) AS members_collected, head(collect(mi.name)) AS identity
ORDER BY group, member
"""
_KINDS = {"User": "azure-user", "Group": "azure-group", "ForeignGroup": "azure-group"}
_SPECIFIC = ("azure-managedidentity", "azure-user", "azure-group", "azure-serviceprincipal")
GROUPS_NOTE = "Entra group membership not collected: a group's roles are reported on the group"
STALE_NOTE = "member list of group {} not collected this run: its last known members (earlier run) are used"
Member = dict[str, Any]  # a group member: id, display, kind, members_collected, fresh (its group's list)


def _subscription(scope: str) -> str:
    """``<tenant>/<subscription>`` (a module scope) → the subscription id; a bare id stays."""
    return scope.rsplit("/", 1)[-1]


def _kind(row: dict[str, Any]) -> str:
    if row["identity"]:
        return "azure-managedidentity"
    if row["type"] == "ServicePrincipal" or row["sp_name"]:
        return "azure-serviceprincipal"
    return _KINDS.get(row["type"] or "", "azure-principal")


def _sp_name(r: dict[str, Any]) -> str | None:
    if not r["sp_name"]:
        return None
    return f"{r['sp_name']} (appId {r['app_id']})" if r["app_id"] else r["sp_name"]


def read_members() -> dict[str, list[Member]]:
    """Direct members per group id (``fresh``: the group's list was collected this run)."""
    out: dict[str, list[Member]] = {}
    for r in driver.read(_MEMBERS):
        if "EntraGroup" in r["labels"]:
            kind = "azure-group"
        elif "EntraUser" in r["labels"]:
            kind = "azure-user"
        else:
            kind = "azure-managedidentity" if r["identity"] else "azure-serviceprincipal"
        out.setdefault(r["group"], []).append(
            {
                "id": r["member"],
                "display": r["identity"] or r["display"],
                "kind": kind,
                "members_collected": r["members_collected"],
                "fresh": r["fresh"],
            }
        )
    return out


def expand_groups(rows: list[dict[str, Any]], members: dict[str, list[Member]]) -> list[dict[str, Any]]:
    """``rows`` plus, per group principal with known members, a copy of each of its rows for every member
    reached through it (nested groups followed breadth-first; each group entered once per holder, so a
    membership cycle ends). A copy carries ``via``: the group chain from the holder down to the member, and
    ``stale``: the groups on that chain whose member list was not collected this run (last known members)."""
    held: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r["kind"] == "azure-group":
            held.setdefault(r["principalId"].lower(), []).append(r)
    out = list(rows)
    for gid, group_rows in sorted(held.items()):
        name = group_rows[0]["display"] or gid
        seen = {gid}
        # (group, names of the chain from the holder down to it, ids on that chain, stale groups on it)
        queue: list[tuple[str, list[str], set[str], list[str]]] = [(gid, [name], {gid}, [])]
        while queue:
            current, chain, on_chain, stale = queue.pop(0)
            for m in members.get(current, []):
                if m["id"] in on_chain:  # a cycle back up the chain: that group holds these grants already
                    continue
                old = stale if m["fresh"] else [*stale, chain[-1]]
                out += [
                    {
                        **r,
                        "principalId": m["id"],
                        "display": m["display"],
                        "kind": m["kind"],
                        "members_collected": m["members_collected"],
                        "via": chain,
                        "stale": old,
                    }
                    for r in group_rows
                ]
                if m["kind"] == "azure-group" and m["id"] not in seen:
                    seen.add(m["id"])
                    queue.append((m["id"], [*chain, m["display"] or m["id"]], on_chain | {m["id"]}, old))
    return out


def via_text(chain: list[str]) -> str:
    """``via group <holder>``, with the nested groups the member is in below it."""
    nested = f" (through {' → '.join(chain[1:])})" if len(chain) > 1 else ""
    return f"via group {chain[0]}{nested}"


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
                "display": r["upn"] or r["identity"] or _sp_name(r) or r["group_name"] or r["principal_name"],
                "kind": _kind(r),
                "members_collected": r["members_collected"],
            }
        )
    return rows, roles


def _source(row: dict[str, Any]) -> dict[str, Any]:
    out = {
        "assignment": row["id"],
        "role": row["roleDefinitionName"] or role_guid(row["roleDefinitionId"]),
        "role_id": role_guid(row["roleDefinitionId"]),
        "scope": row["scope"].lower().rstrip("/") or "/",
        "level": row["level"],
    }
    if row.get("via"):
        out["via"] = via_text(row["via"])
    return out


def _notes(
    rows: list[dict[str, Any]], roles: dict[str, AzureRole], kind: str, members: dict[str, list[Member]]
) -> str:
    notes = sorted(
        {
            f"role definition {role_guid(r['roleDefinitionId'])} not collected: its permissions are unknown"
            for r in rows
            if role_guid(r["roleDefinitionId"]) not in roles
        }
    )
    stale = sorted({STALE_NOTE.format(g) for r in rows for g in r.get("stale") or ()})
    # A group (holding roles itself or through a parent group) whose members are unknown: never collected.
    principal = rows[0]["principalId"].lower()
    unknown = (
        kind == "azure-group" and not any(r["members_collected"] for r in rows) and principal not in members
    )
    if kind == "azure-group" and not unknown and not any(r["members_collected"] for r in rows):
        name = next((r["display"] for r in rows if r["display"]), principal)
        stale.append(STALE_NOTE.format(name))
    return "; ".join([*notes, *stale, *([GROUPS_NOTE] if unknown else [])])


def record(
    sub: str,
    perms: AzurePermissions,
    rows: list[dict[str, Any]],
    roles: dict[str, AzureRole],
    members: dict[str, list[Member]] | None = None,
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
        guardrails=_notes(rows, roles, kind, members or {}),
        sources=compact_json(
            sorted((_source(r) for r in rows), key=lambda s: (s["assignment"], s.get("via", "")))
        ),
    )


def compute_subscriptions(scopes: Iterable[str]) -> list[PrincipalRecord]:
    """Records for every principal holding a role in the given subscriptions (module scopes or ids)."""
    out: list[PrincipalRecord] = []
    members = read_members()  # tenant-wide, read once for all the subscriptions
    for sub in sorted({_subscription(s) for s in scopes}):
        rows, roles = read_subscription(sub)
        rows = expand_groups(rows, members)
        perms = azure_permissions(rows, roles, sub)
        by_principal: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            by_principal.setdefault(r["principalId"].lower(), []).append(r)
        out += [record(sub, perms[p], by_principal[p], roles, members) for p in sorted(perms)]
    return out
