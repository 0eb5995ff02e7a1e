"""Adapter from ``aws iam get-account-authorization-details`` output to engine inputs.

Managed policy documents are shared by reference between the principals they are attached to, so
the engine's per-document caches are hit by identity (see ``aws_policy``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.privileges.aws import effective_permissions
from analysis.privileges.aws_model import EffectivePermissions
from analysis.privileges.aws_policy import PolicyDocument, load_document


@dataclass(frozen=True)
class PrincipalPolicies:
    arn: str
    kind: str  # "user", "group" or "role"
    policies: tuple[PolicyDocument, ...]
    group_policies: tuple[PolicyDocument, ...] = ()
    boundary: PolicyDocument | None = None
    trust_policy: PolicyDocument | None = None
    missing_policies: tuple[str, ...] = field(default=())  # attached ARNs absent from the dump

    def effective(self) -> EffectivePermissions:
        return effective_permissions(self.policies, self.boundary, self.group_policies)


def _default_documents(details: Mapping[str, Any]) -> dict[str, PolicyDocument]:
    docs: dict[str, PolicyDocument] = {}
    for policy in details.get("Policies") or []:
        for version in policy.get("PolicyVersionList") or []:
            if version.get("IsDefaultVersion") or version.get("VersionId") == policy.get("DefaultVersionId"):
                docs[policy["Arn"]] = load_document(version["Document"])
    return docs


def _own(
    item: Mapping[str, Any], inline_key: str, managed: dict[str, PolicyDocument]
) -> tuple[list[PolicyDocument], list[str]]:
    docs = [load_document(p["PolicyDocument"]) for p in item.get(inline_key) or []]
    missing = []
    for attached in item.get("AttachedManagedPolicies") or []:
        doc = managed.get(attached["PolicyArn"])
        if doc is None:
            missing.append(attached["PolicyArn"])
        else:
            docs.append(doc)
    return docs, missing


def principals_from_authorization_details(details: Mapping[str, Any]) -> dict[str, PrincipalPolicies]:
    """Every user, group and role of the dump keyed by ARN, with its documents resolved."""
    managed = _default_documents(details)
    out: dict[str, PrincipalPolicies] = {}
    groups: dict[str, tuple[list[PolicyDocument], list[str]]] = {}
    for group in details.get("GroupDetailList") or []:
        docs, missing = _own(group, "GroupPolicyList", managed)
        groups[group["GroupName"]] = (docs, missing)
        out[group["Arn"]] = PrincipalPolicies(
            group["Arn"], "group", tuple(docs), missing_policies=tuple(missing)
        )

    def boundary(item: Mapping[str, Any]) -> tuple[PolicyDocument | None, list[str]]:
        arn = (item.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
        if arn is None:
            return None, []
        return managed.get(arn), [] if arn in managed else [arn]

    for user in details.get("UserDetailList") or []:
        docs, missing = _own(user, "UserPolicyList", managed)
        group_docs = [d for g in user.get("GroupList") or [] for d in groups.get(g, ([], []))[0]]
        bound, bound_missing = boundary(user)
        out[user["Arn"]] = PrincipalPolicies(
            user["Arn"],
            "user",
            tuple(docs),
            tuple(group_docs),
            bound,
            missing_policies=tuple(missing + bound_missing),
        )
    for role in details.get("RoleDetailList") or []:
        docs, missing = _own(role, "RolePolicyList", managed)
        bound, bound_missing = boundary(role)
        trust = role.get("AssumeRolePolicyDocument")
        out[role["Arn"]] = PrincipalPolicies(
            role["Arn"],
            "role",
            tuple(docs),
            (),
            bound,
            load_document(trust) if trust else None,
            tuple(missing + bound_missing),
        )
    return out
