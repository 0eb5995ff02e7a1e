"""GCP IAM deny policies and the role definitions that evaluating them needs.

``gcp/<scope>/iam/denypolicies.json``: a JSON array of ``gcloud iam policies get <id>
--attachment-point=<point> --kind=denypolicies --format=json`` objects, for every attachment point listed by
``gcloud iam policies list --kind=denypolicies --attachment-point=…`` (organization, folders, projects).
``gcp/<scope>/iam/roles.json`` (optional): a JSON array of ``gcloud iam roles describe <role> --format=json``
objects (``name``, ``title``, ``includedPermissions``) for the roles granted in the scope. Without it a deny
rule can only remove grants through wildcard-free reasoning, and the evaluation says so.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from graph.schema.gcp.common import is_org, scope_node_id
from graph.schema.gcp.deny import GCP_DENY_MARK_ORG, GCP_DENY_MARK_PROJECT, GCP_DENY_POLICY, GCP_ROLE
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.gcp.common import sync_gcp
from ingest.gcp.org_policies import target_of
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

_CRM = "cloudresourcemanager.googleapis.com/"


def attachment(name: str) -> str:
    """``policies/cloudresourcemanager.googleapis.com%2Forganizations%2F123/denypolicies/x`` →
    ``organizations/123``."""
    point = urllib.parse.unquote(name.split("/")[1])
    if not point.startswith(_CRM):
        raise ValueError(f"deny policy {name!r} is not attached to an organization, folder or project")
    return point[len(_CRM) :]


def get(snap: Snapshot, scope: str) -> dict[str, Any] | None:
    denies = snap.gcp_file(scope, "iam", "denypolicies")
    if denies is None:
        return None
    roles = snap.gcp_file(scope, "iam", "roles")
    for name, value in (("denypolicies", denies), ("roles", roles)):
        if value is not None and not isinstance(value, list):
            raise InputError(str(snap.root / "gcp" / scope / "iam" / f"{name}.json"), "expected a JSON array")
    return {"denies": denies, "roles": roles or []}


def transform(raw: dict[str, Any], scope: str) -> Transformed:
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for i, policy in enumerate(raw["denies"]):
        try:
            point = attachment(policy["name"])
            rows.append(
                {
                    "id": policy["name"],
                    "attachment": point,
                    **target_of(point),
                    "display_name": policy.get("displayName"),
                    "rules": json.dumps(policy.get("rules") or [], sort_keys=True, separators=(",", ":")),
                    "etag": policy.get("etag"),
                    "update_time": policy.get("updateTime"),
                }
            )
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            errors.append(f"iam/denypolicies.json [{i}]: {type(exc).__name__}: {exc}")
    roles = []
    for i, role in enumerate(raw["roles"]):
        try:
            roles.append(
                {
                    "id": role["name"],
                    "title": role.get("title"),
                    "stage": role.get("stage"),
                    "permissions": sorted(role.get("includedPermissions") or []),
                }
            )
        except (KeyError, TypeError, AttributeError) as exc:
            errors.append(f"iam/roles.json [{i}]: {type(exc).__name__}: {exc}")
    mark = GCP_DENY_MARK_ORG if is_org(scope) else GCP_DENY_MARK_PROJECT
    out = {
        mark: [{"id": scope_node_id(scope), "collected": True}],
        GCP_DENY_POLICY.pick(scope): rows,
        GCP_ROLE.pick(scope): roles,
    }
    return Transformed(out, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, owner),
        lambda raw: transform(raw, owner),
        [GCP_DENY_MARK_ORG if is_org(owner) else GCP_DENY_MARK_PROJECT, GCP_DENY_POLICY, GCP_ROLE],
    )


MODULE = Module(
    "gcp",
    "deny_policies",
    sync,
    (GCP_DENY_MARK_ORG, GCP_DENY_MARK_PROJECT, *GCP_DENY_POLICY.both, *GCP_ROLE.both),
)
