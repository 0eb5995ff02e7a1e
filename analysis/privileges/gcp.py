"""Effective GCP IAM role grants per member, inherited down the resource hierarchy.

Canonical form: per member (``user:``, ``serviceAccount:``, ``group:``, ``domain:``, ``allUsers``,
``allAuthenticatedUsers``) a sorted tuple of ``GcpGrant(role, resource, granted_at, condition)``:
a binding on ``folders/1`` yields one grant on the folder itself and one on every resource below it
(``granted_at`` names the folder). Conditions (IAM Conditions) are kept as canonical JSON, never
evaluated. Deny policies and custom-role contents are out of scope: roles are reported by name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import networkx as nx

from analysis.privileges.findings import Finding
from analysis.privileges.globs import canonical_json
from analysis.privileges.grant_set import GrantSet, grant_text

ADMIN_ROLES = frozenset({"roles/owner", "roles/editor"})
ESCALATION_ROLES: Mapping[str, str] = {
    "roles/iam.securityAdmin": "Can set IAM policies, so can grant itself any role.",
    "roles/resourcemanager.organizationAdmin": "Can set the organization's IAM policy.",
    "roles/resourcemanager.folderAdmin": "Can set folder IAM policies.",
    "roles/resourcemanager.projectIamAdmin": "Can set project IAM policies.",
    "roles/iam.serviceAccountTokenCreator": "Can mint tokens for service accounts and act as them.",
    "roles/iam.serviceAccountUser": "Can attach service accounts to workloads and act as them.",
    "roles/iam.serviceAccountKeyAdmin": "Can create keys for service accounts.",
    "roles/iam.workloadIdentityUser": "Can impersonate service accounts from GKE workloads.",
}
PUBLIC_MEMBERS = frozenset({"allUsers", "allAuthenticatedUsers"})


class GcpGrant(NamedTuple):
    role: str
    resource: str
    granted_at: str
    condition: str | None = None

    def as_string(self) -> str:
        return grant_text(self.role, self.resource, self.granted_at, self.condition)


class GcpPermissions(GrantSet):
    __slots__ = ("member",)
    grants: tuple[GcpGrant, ...]

    def __init__(self, member: str, grants: Iterable[GcpGrant]) -> None:
        self.member = member
        super().__init__(grants, lambda g: (*g[:3], g.condition or ""))

    def roles_on(self, resource: str) -> set[str]:
        return {g.role for g in self.grants if g.resource == resource}

    def __repr__(self) -> str:
        return f"GcpPermissions({self.member!r}, {len(self.grants)} grants)"


def gcp_permissions(
    policies: Mapping[str, Mapping[str, Any]],
    parents: Mapping[str, str],
) -> dict[str, GcpPermissions]:
    """Grants per member.

    ``policies`` maps a resource name (``organizations/1``, ``folders/2``, ``projects/p``, or a full
    resource name) to its IAM policy; ``parents`` maps each child to its parent.
    """
    tree: nx.DiGraph = nx.DiGraph()
    tree.add_nodes_from(policies)
    tree.add_edges_from((parent, child) for child, parent in parents.items())
    grants: dict[str, set[GcpGrant]] = defaultdict(set)
    for resource, policy in policies.items():
        below = [resource, *sorted(nx.descendants(tree, resource))]
        for binding in policy.get("bindings") or []:
            raw_condition = binding.get("condition")
            condition = canonical_json(raw_condition) if raw_condition else None
            for member in binding.get("members") or []:
                grants[member].update(GcpGrant(binding["role"], r, resource, condition) for r in below)
    return {member: GcpPermissions(member, g) for member, g in grants.items()}


def gcp_findings(perms: GcpPermissions) -> list[Finding]:
    """Admin-equivalent basic roles, escalation roles and public membership, one finding per role."""
    by_role: dict[str, list[GcpGrant]] = defaultdict(list)
    for g in perms.grants:
        by_role[g.role].append(g)
    found = []
    for role, grants in by_role.items():
        shown = tuple(sorted({g.as_string() for g in grants}))
        conditional = all(g.condition for g in grants)
        if role in ADMIN_ROLES:
            found.append(
                Finding(
                    f"admin-equivalent:{role}",
                    "critical",
                    "Basic role with broad write access.",
                    shown,
                    conditional,
                )
            )
        elif role in ESCALATION_ROLES:
            found.append(Finding(f"escalation:{role}", "high", ESCALATION_ROLES[role], shown, conditional))
    if perms.member in PUBLIC_MEMBERS and perms.grants:
        found.append(
            Finding(
                "public-member",
                "high",
                f"Roles granted to {perms.member}.",
                tuple(perms.entries_as_strings()),
            )
        )
    return sorted(found)
