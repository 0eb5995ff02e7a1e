"""GCP IAM deny policies applied to role grants: a grant whose every permission a deny rule denies is gone.

IAM checks deny policies before allow policies: a deny rule attached to a resource or any of its ancestors
that names the principal (and does not except it) denies the listed permissions whatever the roles grant.
Grants are per role (``gcp.GcpGrant``), so a rule removes a grant only when it denies *every* permission of
the role — which needs the role's definition (``GCPRole``, from ``gcloud iam roles describe``). What happens
to each affected grant is written as a note for the record's ``guardrails``:

* removed — every permission of the role is denied unconditionally: the grant is dropped (and with it an
  admin flag or an escalation finding it carried);
* partly denied — some permissions are denied: the grant stays (the role still grants the rest);
* conditionally denied — a rule with a ``denialCondition`` would deny: the grant stays, marked;
* not evaluated — the role's definition was not collected: the grant stays, and the note says so.

Principals are matched on the v2 identifiers deny policies use: ``principal://goog/subject/<email>``
(``user:``), ``principalSet://goog/group/<email>`` (``group:``), ``principal://iam.googleapis.com/projects/-/
serviceAccounts/<email>`` (``serviceAccount:``), ``principalSet://goog/public:all`` (everyone); a rule on a
group reaches its members when Cloud Identity memberships were collected (``GCPGroup``), not otherwise.
Permissions: ``storage.buckets.delete`` is ``storage.googleapis.com/buckets.delete`` in a deny rule
(``resourcemanager.*`` is ``cloudresourcemanager.googleapis.com/*``); ``*`` wildcards match as in IAM.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from analysis.privileges.gcp import GcpGrant, GcpPermissions
from analysis.privileges.globs import glob_matches

EVERYONE = "principalSet://goog/public:all"
_SERVICE_HOSTS = {"resourcemanager": "cloudresourcemanager"}


@dataclass(frozen=True)
class DenyRule:
    policy: str  # the deny policy's display name (or id)
    attachment: str  # organizations/N, folders/N, projects/<id>
    principals: frozenset[str]
    exception_principals: frozenset[str]
    permissions: tuple[str, ...]
    exception_permissions: tuple[str, ...]
    condition: str | None


def rules_of(policy: str, attachment: str, rules_json: str) -> list[DenyRule]:
    out = []
    for rule in json.loads(rules_json):
        d = rule.get("denyRule") or {}
        cond = d.get("denialCondition")
        out.append(
            DenyRule(
                policy,
                attachment,
                frozenset(d.get("deniedPrincipals") or []),
                frozenset(d.get("exceptionPrincipals") or []),
                tuple(d.get("deniedPermissions") or []),
                tuple(d.get("exceptionPermissions") or []),
                (cond.get("expression") or cond.get("title") or "condition") if cond else None,
            )
        )
    return out


def identifiers(member: str, groups: Iterable[str] = ()) -> set[str]:
    kind, _, ident = member.partition(":")
    ids = {EVERYONE} | {f"principalSet://goog/group/{g}" for g in groups}
    if kind == "user":
        ids.add(f"principal://goog/subject/{ident}")
    elif kind == "group":
        ids.add(f"principalSet://goog/group/{ident}")
    elif kind == "serviceAccount":
        ids.add(f"principal://iam.googleapis.com/projects/-/serviceAccounts/{ident}")
    return ids


def names(rule: DenyRule, member: str, groups: Iterable[str] = ()) -> bool:
    ids = identifiers(member, groups)
    return bool(ids & rule.principals) and not (ids & rule.exception_principals)


def permission_v2(permission: str) -> str:
    service, _, rest = permission.partition(".")
    return f"{_SERVICE_HOSTS.get(service, service)}.googleapis.com/{rest}"


def denies(rule: DenyRule, permission: str) -> bool:
    p = permission_v2(permission)
    return any(glob_matches(x, p) for x in rule.permissions) and not any(
        glob_matches(x, p) for x in rule.exception_permissions
    )


def _chain(resource: str, parents: Mapping[str, str]) -> list[str]:
    out, seen = [resource], {resource}
    while out[-1] in parents and parents[out[-1]] not in seen:
        out.append(parents[out[-1]])
        seen.add(out[-1])
    return out


def apply_deny(
    member: str,
    perms: GcpPermissions,
    rules: Mapping[str, list[DenyRule]],
    parents: Mapping[str, str],
    roles: Mapping[str, frozenset[str]],
    groups: Iterable[str] = (),
) -> tuple[GcpPermissions, list[str]]:
    """The member's grants after the deny rules attached along each grant's hierarchy, and the notes.
    ``groups``: the Cloud Identity groups the member is in (a rule naming one of them names the member)."""
    groups = tuple(groups)
    kept: list[GcpGrant] = []
    notes: list[str] = []
    for g in perms.grants:
        found = [r for a in _chain(g.resource, parents) for r in rules.get(a, []) if names(r, member, groups)]
        if not found:
            kept.append(g)
            continue
        where = f"{g.role} on {g.resource}"
        policies = ", ".join(sorted({r.policy for r in found}))
        granted = roles.get(g.role)
        if granted is None:
            kept.append(g)
            notes.append(f"{where}: deny policy {policies} not evaluated (role definition not collected)")
            continue
        plain = [r for r in found if r.condition is None]
        left = {p for p in granted if not any(denies(r, p) for r in plain)}
        conditional = [r for r in found if r.condition is not None and any(denies(r, p) for p in granted)]
        if not left:
            notes.append(f"{where}: removed by deny policy {policies}")
            continue
        kept.append(g)
        if len(left) < len(granted):
            cut = len(granted) - len(left)
            notes.append(f"{where}: {cut} of {len(granted)} permissions denied by {policies}")
        if conditional:
            conds = "; ".join(sorted({str(r.condition) for r in conditional}))
            notes.append(f"{where}: conditionally denied ({conds})")
    return GcpPermissions(member, kept), notes


def read_rules(rows: list[dict[str, Any]], project_ids: Mapping[str, str]) -> dict[str, list[DenyRule]]:
    """Deny rules by attachment short name (``projects/<number>`` becomes ``projects/<id>``, as in grants)."""
    out: dict[str, list[DenyRule]] = {}
    for row in rows:
        point = row["attachment"]
        kind, _, ident = point.partition("/")
        if kind == "projects" and ident in project_ids:
            point = f"projects/{project_ids[ident]}"
        out.setdefault(point, []).extend(rules_of(row["name"] or row["id"], point, row["rules"] or "[]"))
    return out
