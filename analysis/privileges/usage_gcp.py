"""GCP granted versus used: IAM policy insights per binding, Activity Analyzer per service account and key.

Granted and used are counted in *permissions*, per binding as the insight states them
(``currentTotalPermissionsCount`` and ``exercisedPermissions`` over the insight's observation period,
90 days), summed over the member's bindings. A binding none of whose permissions were exercised is unused;
otherwise the proposal is the smallest role this scope's role definitions (``iam/roles.json``) know that
includes every exercised permission, or a custom role listing them. A service account's and its keys'
last authentication
come from Activity Analyzer, judged only when both activity files were collected for the scope, over the
window the answers state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from analysis.privileges.usage_aws import _dt
from analysis.privileges.usage_model import (
    Credential,
    PrincipalUsage,
    Unused,
    iso,
    not_collected,
    ratio,
    unused_since,
    window,
)
from analysis.privileges.usage_policy import smallest_role
from graph import driver
from graph.schema.gcp.common import scope_node_id

SCOPE = "MATCH (s {id: $owner}) WHERE s:GCPOrganization OR s:GCPProject "
READ = {
    "members": "MATCH (r:PrincipalPermissions {provider: 'gcp', scope: $scope, latest: true}) "
    "WHERE NOT coalesce(r.removed, false) RETURN r.principal_id AS id, r.name AS name, r.admin AS admin",
    "insights": SCOPE + "MATCH (s)-[:RESOURCE]->(i:GCPIAMInsight) RETURN i.member AS member, i.role AS role, "
    "i.resource AS resource, i.exercised AS exercised, i.total_permissions AS total, "
    "i.observation_days AS days ORDER BY i.id",
    "roles": SCOPE + "MATCH (s)-[:RESOURCE]->(g:GCPRole) RETURN g.id AS id, g.permissions AS permissions",
    "accounts": SCOPE + "MATCH (s)-[:RESOURCE]->(sa:GCPServiceAccount) "
    "OPTIONAL MATCH (sa)-[:HAS_KEY]->(k:GCPServiceAccountKey) "
    "RETURN sa.id AS id, sa.email AS email, sa.last_authenticated AS last, s.usage_activity_since AS since, "
    "s.usage_activity_at AS at, "
    "collect(k {.id, .key_type, .disabled, .valid_after_time, .last_authenticated}) AS keys",
}


def _read(name: str, scope: str) -> list[dict[str, Any]]:
    return driver.read(READ[name], {"scope": scope, "owner": scope_node_id(scope)})


def _activity_window(row: dict[str, Any], now: datetime, unused_days: int) -> int | None:
    since = _dt(row["since"])
    return None if row["at"] is None or since is None else window(unused_days, (now - since).days)


def key_usage(accounts: list[dict[str, Any]], now: datetime, unused_days: int) -> dict[str, Credential]:
    """User-managed, enabled keys by id, judged over the Activity Analyzer window (or not collected)."""
    out = {}
    for sa in accounts:
        win = _activity_window(sa, now, unused_days)
        for k in sa["keys"]:
            if k.get("key_type") == "SYSTEM_MANAGED" or k.get("disabled"):
                continue
            last = _dt(k.get("last_authenticated"))
            if win is None:
                out[k["id"]] = Credential("service_account_key", k["id"], "not collected")
                continue
            status = "unused" if unused_since(last, _dt(k.get("valid_after_time")), now, win) else "used"
            out[k["id"]] = Credential(
                "service_account_key", k["id"], status, iso(last), f"Activity Analyzer, {win}-day window"
            )
    return out


def usage_for_scope(scope: str, now: datetime, unused_days: int) -> tuple[list[PrincipalUsage], list[dict]]:
    """(usage per member, key rows for the node properties)."""
    insights: dict[str, list[dict[str, Any]]] = {}
    for i in _read("insights", scope):
        insights.setdefault(i["member"], []).append(i)
    roles = {r["id"]: frozenset(r["permissions"] or ()) for r in _read("roles", scope)}
    accounts = _read("accounts", scope)
    keys = key_usage(accounts, now, unused_days)
    by_email = {a["email"]: a for a in accounts if a["email"]}
    out = []
    for m in _read("members", scope):
        member = m["name"]
        email = member.split(":", 1)[-1]
        sa = by_email.get(email) if member.startswith("serviceAccount:") else None
        act_win = _activity_window(sa, now, unused_days) if sa else None
        found = insights.get(member, [])
        if not found and act_win is None:
            out.append(
                not_collected(
                    m["id"], member, "gcp-member", scope, "no policy insight or activity", m["admin"]
                )
            )
            continue
        u = PrincipalUsage(m["id"], member, "gcp-member", scope, "collected", unit="permissions")
        u.admin = bool(m["admin"])
        evidence = []
        if found:
            days = min(int(i["days"] or 90) for i in found)
            u.window_days, u.tracking_days = window(unused_days, days), days
            evidence.append(f"IAM policy insights, {days}-day observation period")
            totals = [i["total"] for i in found]
            u.used = sum(len(i["exercised"] or []) for i in found)
            if all(t is not None for t in totals):
                u.granted = sum(int(t) for t in totals)
                u.ratio = ratio(u.used, u.granted)
            for i in found:
                exercised = set(i["exercised"] or [])
                share = (
                    f"{len(exercised)} of {i['total'] if i['total'] is not None else '?'} permissions used"
                )
                binding = {"role": i["role"], "resource": i["resource"], "used": share}
                if not exercised:
                    u.unused.append(
                        Unused(i["role"], None, f"{share} in {i['days']} days on {i['resource']}")
                    )
                    u.proposed_roles.append({**binding, "proposal": "remove the binding"})
                    continue
                best = smallest_role(exercised, roles)
                if best is not None and best != i["role"]:
                    u.proposed_roles.append({**binding, "proposal": best})
                elif best is None:
                    u.proposed_roles.append(
                        {**binding, "proposal": "custom role", "permissions": sorted(exercised)}
                    )
            u.principal_unused = all(not i["exercised"] for i in found)
        if sa is not None:
            u.credentials = [keys[k["id"]] for k in sa["keys"] if k["id"] in keys]
            if act_win is not None:
                last = _dt(sa["last"])
                u.last_activity = iso(last)
                evidence.append(f"Activity Analyzer, {act_win}-day window")
                u.window_days = act_win if u.window_days is None else min(u.window_days, act_win)
                u.principal_unused = unused_since(last, None, now, act_win)
        u.evidence = "; ".join(evidence)
        out.append(u)
    key_rows = [
        {"id": k, "last_used": c.last_used, "evidence": c.evidence or None, "status": c.status}
        for k, c in keys.items()
    ]
    return out, key_rows
