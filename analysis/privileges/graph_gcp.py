"""GCP IAM role grants of every member of some scopes, read from the graph.

Reads what ``ingest/gcp`` stored under one scope (an organization or a project snapshot folder) — the
``GCPPolicyBinding`` nodes (``role``, ``principals`` = raw member strings, ``condition_*``), the folders and
projects with their ``parent_folder`` / ``parent_org``, and the service accounts — with three queries per
scope, rebuilds one IAM policy (``{"bindings": [{"role", "members", "condition"}]}``) per resource and hands
them to ``gcp.gcp_permissions``.

Resource names are the short, user-facing ones, not asset full names:

- ``organizations/<n>``, ``folders/<n>``, ``projects/<project id>`` (a project number is translated),
- ``buckets/<name>``, ``projects/<project id>/serviceAccounts/<email>`` (IAM's own name),
- the asset full name (``//…googleapis.com/…``) for any other resource that carries a policy.

The hierarchy holds the organization, folders and projects, plus every resource that has a policy of its own
(parented to its project). Resources without a policy are not listed: a grant on their project covers them,
and listing every bucket and instance would multiply each inherited grant by the size of the organization.

Principal ids are ``<scope>/<member>`` (``734561238901/user:eve@example.com``): a member is not owned by any
scope, and the same member may be granted roles in several. ``admin`` is any ``roles/owner`` /
``roles/editor`` grant; ``escalations`` are the other ``gcp_findings`` (escalation roles, public membership),
kept also for admins because a GCP basic role is scoped to a project or folder, not to the whole scope.
A ``serviceAccount:`` member that is a ``GCPServiceAccount`` of the same scope gets ``admin_equivalent`` /
``escalation_paths`` written on that node; every service account of the scope has a record, even one
without grants. Its record also names the project holding the account (``project``), so a key scoped to that
project sees it; other members belong to no project and keep only the scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from analysis.privileges.gcp import ADMIN_ROLES, GcpPermissions, gcp_findings, gcp_permissions
from analysis.privileges.gcp_deny import DenyRule, apply_deny, read_rules
from analysis.privileges.records import PrincipalRecord, compact_json
from graph import driver
from graph.schema.gcp.common import is_org, scope_node_id

_CRM = "//cloudresourcemanager.googleapis.com/"
_IAM = "//iam.googleapis.com/"
_STORAGE = "//storage.googleapis.com/"

# The owner label is one of two constants (never user input), so it is spliced into the text.
_HIERARCHY = {
    "GCPOrganization": """
MATCH (:GCPOrganization {id: $owner})-[:RESOURCE]->(n)
WHERE n:GCPFolder OR n:GCPProject
RETURN n.id AS id, n:GCPProject AS project, n.projectnumber AS number,
       coalesce(n.parent_folder, n.parent_org) AS parent
""",
    "GCPProject": """
MATCH (n:GCPProject {id: $owner})
RETURN n.id AS id, true AS project, n.projectnumber AS number,
       coalesce(n.parent_folder, n.parent_org) AS parent
""",
}
_BINDINGS = """
MATCH (:{owner} {{id: $owner}})-[:RESOURCE]->(b:GCPPolicyBinding)
RETURN b.resource AS resource, b.resource_type AS type, b.project_number AS number, b.role AS role,
       b.principals AS members, b.condition_title AS title, b.condition_expression AS expression,
       b.has_condition AS has_condition
ORDER BY b.id
"""
_DENIES = """
MATCH (o:{owner} {{id: $owner}})
OPTIONAL MATCH (o)-[:RESOURCE]->(d:GCPDenyPolicy)
RETURN coalesce(o.deny_policies_collected, false) AS collected,
       collect({{id: d.id, name: d.display_name, attachment: d.attachment, rules: d.rules}}) AS denies
"""
_GROUPS = """
MATCH (:{owner} {{id: $owner}})-[:RESOURCE]->(g:GCPGroup)
RETURN g.id AS id, g.members AS members, g.member_kinds AS kinds
"""
_KINDS = {"USER": "user", "SERVICE_ACCOUNT": "serviceAccount", "GROUP": "group"}
_ROLES = """
MATCH (:{owner} {{id: $owner}})-[:RESOURCE]->(r:GCPRole)
RETURN r.id AS id, r.permissions AS permissions
"""
_SERVICE_ACCOUNTS = """
MATCH (:{owner} {{id: $owner}})-[:RESOURCE]->(s:GCPServiceAccount)
OPTIONAL MATCH (p:GCPProject)-[:RESOURCE]->(s)
RETURN s.id AS id, s.email AS email, head(collect(p.id)) AS project
"""


@dataclass
class ScopeIam:
    """One scope's policies and hierarchy in the shape ``gcp_permissions`` takes."""

    scope: str
    policies: dict[str, dict[str, Any]] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    service_accounts: dict[str, str] = field(default_factory=dict)  # email -> GCPServiceAccount id
    sa_projects: dict[str, str] = field(default_factory=dict)  # email -> id of the project holding it
    deny_collected: bool = False
    deny_rules: dict[str, list[DenyRule]] = field(default_factory=dict)  # attachment -> rules
    roles: dict[str, frozenset[str]] = field(default_factory=dict)  # role -> included permissions
    groups: dict[str, list[str]] = field(default_factory=dict)  # group:<email> -> direct members (user:…, …)


class _Names:
    """Short resource names from a binding's full resource name (see the module docstring)."""

    def __init__(self, scope: str, projects: dict[str, str], sa_emails: dict[str, str]) -> None:
        self.scope = scope
        self.projects = projects  # project number -> project id
        self.sa_emails = sa_emails  # unique id -> email

    def project(self, number: str | None) -> str | None:
        if number and number in self.projects:
            return f"projects/{self.projects[number]}"
        if not is_org(self.scope):  # a project scan holds one project: the scope
            return f"projects/{self.scope}"
        return f"projects/{number}" if number else None

    def resource(self, full: str, kind: str | None) -> str:
        if kind in ("organization", "folder"):
            return full.removeprefix(_CRM)
        if kind == "project":
            last = full.rsplit("/", 1)[-1]  # a number in asset names, an id in some exports
            return (self.project(last) if last.isdigit() else None) or f"projects/{last}"
        if kind == "bucket":
            return "buckets/" + full.removeprefix(_STORAGE)
        if kind == "service_account":
            parts = full.removeprefix(_IAM).split("/")
            if len(parts) == 4:
                parts[3] = self.sa_emails.get(parts[3], parts[3])
            return "/".join(parts)
        return full


def read_scope(scope: str) -> ScopeIam:
    """The scope's policies, hierarchy and service accounts (three queries)."""
    owner_label = "GCPOrganization" if is_org(scope) else "GCPProject"
    params = {"owner": scope_node_id(scope)}
    out = ScopeIam(scope)
    projects: dict[str, str] = {}
    for row in driver.read(_HIERARCHY[owner_label], params):
        name = f"projects/{row['id']}" if row["project"] else row["id"]
        if row["project"] and row["number"]:
            projects[str(row["number"])] = row["id"]
        if row["parent"]:
            out.parents[name] = row["parent"]
    sa_emails: dict[str, str] = {}
    for row in driver.read(_SERVICE_ACCOUNTS.format(owner=owner_label), params):
        if row["email"]:
            sa_emails[row["id"]] = row["email"]
            out.service_accounts[row["email"]] = row["id"]
            if row["project"]:
                out.sa_projects[row["email"]] = row["project"]
    names = _Names(scope, projects, sa_emails)
    for row in driver.read(_BINDINGS.format(owner=owner_label), params):
        resource = names.resource(row["resource"], row["type"])
        binding: dict[str, Any] = {"role": row["role"], "members": list(row["members"] or [])}
        if row["has_condition"]:
            binding["condition"] = {
                k: v for k, v in (("expression", row["expression"]), ("title", row["title"])) if v
            }
        out.policies.setdefault(resource, {"bindings": []})["bindings"].append(binding)
        if row["type"] not in ("organization", "folder", "project"):
            parent = names.project(row["number"])
            if parent and parent != resource:
                out.parents[resource] = parent
    for row in driver.read(_GROUPS.format(owner=owner_label), params):
        out.groups[f"group:{row['id']}"] = [
            f"{_KINDS[k]}:{m}"
            for m, k in zip(row["members"] or [], row["kinds"] or [], strict=False)
            if k in _KINDS
        ]
    for row in driver.read(_DENIES.format(owner=owner_label), params):
        out.deny_collected = bool(row["collected"])
        out.deny_rules = read_rules([d for d in row["denies"] if d["id"]], projects)
    if out.deny_rules:
        for row in driver.read(_ROLES.format(owner=owner_label), params):
            out.roles[row["id"]] = frozenset(row["permissions"] or [])
    return out


def record(iam: ScopeIam, member: str, perms: GcpPermissions, guardrails: str = "") -> PrincipalRecord:
    findings = gcp_findings(perms)
    admin = any(g.role in ADMIN_ROLES for g in perms.grants)
    kind, _, ident = member.partition(":")
    node_id = iam.service_accounts.get(ident) if kind == "serviceAccount" else None
    return PrincipalRecord(
        principal_id=f"{iam.scope}/{member}",
        name=member,
        kind="gcp-member",
        scope=iam.scope,
        sha256=perms.sha256,
        entries=compact_json([list(g) for g in perms.grants]),
        admin=admin,
        escalations=tuple(f.name for f in findings if not f.name.startswith("admin-equivalent:")),
        node_label="GCPServiceAccount" if node_id else None,
        node_id=node_id,
        guardrails=guardrails,
        project=iam.sa_projects.get(ident) if node_id else None,
    )


def compute_scopes(scopes: Iterable[str]) -> list[PrincipalRecord]:
    """Records for every member granted a role anywhere in ``scopes``."""
    out: list[PrincipalRecord] = []
    for scope in scopes:
        iam = read_scope(scope)
        perms = gcp_permissions(iam.policies, iam.parents)
        member_of = _expand_groups(iam, perms)
        # Every service account of the scope gets a record, granted or not, so one that loses its last
        # grant is recorded (and its node's flags reset) instead of keeping a stale admin_equivalent.
        for email in iam.service_accounts:
            member = f"serviceAccount:{email}"
            perms.setdefault(member, GcpPermissions(member, ()))
        for member in sorted(perms):
            # Deny before allow: the grants a deny rule empties entirely are dropped before findings.
            if not iam.deny_collected:
                note = "deny policies not collected: allow bindings alone"
                out.append(record(iam, member, perms[member], note))
                continue
            groups = [g.partition(":")[2] for g in member_of.get(member, ())]
            denied, notes = apply_deny(member, perms[member], iam.deny_rules, iam.parents, iam.roles, groups)
            out.append(record(iam, member, denied, "; ".join(notes)))
    return out


def _expand_groups(iam: ScopeIam, perms: dict[str, GcpPermissions]) -> dict[str, set[str]]:
    """Members of collected Cloud Identity groups hold their groups' grants too (nested groups followed);
    returns member -> its groups. Without memberships a ``group:`` member is only its own principal."""
    member_of: dict[str, set[str]] = {}
    for group in iam.groups:
        todo, seen = [group], {group}
        while todo:
            for m in iam.groups.get(todo.pop(), []):
                member_of.setdefault(m, set()).add(group)
                if m.startswith("group:") and m not in seen:
                    seen.add(m)
                    todo.append(m)
    for member, groups in member_of.items():
        inherited = [g for group in groups for g in (perms[group].grants if group in perms else ())]
        if inherited:
            own = perms[member].grants if member in perms else ()
            perms[member] = GcpPermissions(member, [*own, *inherited])
    return member_of
