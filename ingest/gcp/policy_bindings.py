"""IAM allow policies (content type ``iam-policy``) as GCPPolicyBinding nodes, Cartography's model.

One node per (resource, role, condition): id ``<full resource name>_<role>[_<sha256(condition)[:8]>]``.
APPLIES_TO links it to the organization, folder, project, bucket or service account it is set on, so
inheritance is a walk up PARENT: a binding on a folder applies to every project below it. Members:
``members`` = emails of user:/group:/serviceAccount: (Cartography), HAS_ALLOW_POLICY from the matching
GCPPrincipal (our service accounts); ``public_members`` = allUsers / allAuthenticatedUsers.
"""

from __future__ import annotations

import hashlib
from typing import Any

from graph.schema.gcp.iam import GCP_POLICY_BINDING
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.gcp.common import IAM_POLICY, Asset, all_variants, envelope, read_assets, sync_gcp
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

PUBLIC = ("allUsers", "allAuthenticatedUsers")
_CRM = "//cloudresourcemanager.googleapis.com/"


def target(name: str, ancestors: list[str]) -> tuple[str, dict[str, str]]:
    """(resource_type, {target field: key}) for the resource a policy is set on."""
    if name.startswith(_CRM + "organizations/"):
        return "organization", {"target_org": name[len(_CRM) :]}
    if name.startswith(_CRM + "folders/"):
        return "folder", {"target_folder": name[len(_CRM) :]}
    if name.startswith(_CRM + "projects/"):
        number = name.rsplit("/", 1)[-1]
        if not number.isdigit() and ancestors and ancestors[0].startswith("projects/"):
            number = ancestors[0].split("/", 1)[1]
        return "project", {"target_project_number": number}
    if name.startswith("//storage.googleapis.com/") and name.count("/") == 3:
        return "bucket", {"target_bucket": name.rsplit("/", 1)[-1]}
    parts = name.split("/")
    if name.startswith("//iam.googleapis.com/") and "serviceAccounts" in parts and "keys" not in parts:
        sa = parts[parts.index("serviceAccounts") + 1]
        return "service_account", {
            "target_service_account_email" if "@" in sa else "target_service_account": sa
        }
    return "resource", {}


def _bindings(asset: Asset, scope: str, out: dict[str, dict[str, Any]]) -> None:
    policy = asset.get("iamPolicy") or {}
    resource_type, targets = target(asset["name"], asset.get("ancestors") or [])
    for binding in policy.get("bindings") or []:
        role, members = binding["role"], list(binding.get("members") or [])
        condition = binding.get("condition") or None
        expression = condition.get("expression") if condition else None
        binding_id = f"{asset['name']}_{role}"
        if expression:
            binding_id += "_" + hashlib.sha256(expression.encode()).hexdigest()[:8]
        row = out.setdefault(
            binding_id,
            {
                **envelope(asset, scope),
                **targets,
                "id": binding_id,
                "role": role,
                "resource": asset["name"],
                "resource_type": resource_type,
                "members": [],
                "domains": [],
                "public_members": [],
                "principals": [],
                "has_condition": condition is not None,
                "condition_title": condition.get("title") if condition else None,
                "condition_expression": expression,
            },
        )
        for member in members:
            row["principals"].append(member)
            kind, _, ident = member.partition(":")
            if member in PUBLIC:
                row["public_members"].append(member)
            elif kind in ("user", "group", "serviceAccount"):
                row["members"].append(ident)
            elif kind == "domain":
                row["domains"].append(ident)
        row["is_public"] = bool(row["public_members"])


def transform(assets: list[Asset], scope: str) -> Transformed:
    out: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for asset in assets:
        try:
            _bindings(asset, scope, out)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            errors.append(f"{asset['name']}: iamPolicy: {type(exc).__name__}: {exc}")
    for row in out.values():
        for key in ("members", "domains", "public_members", "principals"):
            row[key] = sorted(set(row[key]))
    return Transformed({GCP_POLICY_BINDING: list(out.values())}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_assets(snap, owner, IAM_POLICY),
        lambda assets: transform(assets, owner),
        [GCP_POLICY_BINDING],
    )


MODULE = Module("gcp", "policy_bindings", sync, all_variants(GCP_POLICY_BINDING))
