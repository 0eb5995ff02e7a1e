"""IAM policies (managed: the default version; inline) and their statements: AWSPolicy, AWSPolicyStatement.

Loaded before the principals, which own the POLICY edges to them. Each policy keeps its whole document as
canonical JSON in ``document`` for the privilege engine; statements follow Cartography's id scheme.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any
from urllib.parse import unquote

from graph.schema.aws.iam import (
    AWS_INLINE_POLICY,
    AWS_MANAGED_POLICY_GLOBAL,
    AWS_POLICY,
    AWS_POLICY_STATEMENT,
    AWS_POLICY_STATEMENT_GLOBAL,
)
from ingest.aws.iam_common import (
    AUTH_DETAILS,
    account_of,
    as_list,
    get_authorization_details,
    inline_policy_id,
    to_json,
)
from ingest.aws.regional import sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

SCHEMAS = (
    AWS_MANAGED_POLICY_GLOBAL,
    AWS_POLICY,
    AWS_INLINE_POLICY,
    AWS_POLICY_STATEMENT_GLOBAL,
    AWS_POLICY_STATEMENT,
)


def _document(doc: Any) -> dict[str, Any]:
    # boto3 hands IAM documents over decoded; the raw API URL-encodes them. Accept both.
    if isinstance(doc, str):
        doc = json.loads(unquote(doc))
    if not isinstance(doc, dict):
        raise ValueError("the policy document is not a JSON object")
    return doc


def transform_statements(doc: dict[str, Any], policy_id: str) -> list[dict[str, Any]]:
    """Cartography's statements: id ``<policy>/statement/<Sid or 1-based count of Sid-less statements>``."""
    rows, count = [], 1
    for stmt in as_list(doc.get("Statement")):
        if not isinstance(stmt, dict):
            raise ValueError("a statement is not a JSON object")
        if stmt.get("Sid"):
            suffix = stmt["Sid"]
        else:
            suffix, count = str(count), count + 1
        rows.append(
            {
                "id": f"{policy_id}/statement/{suffix}",
                "policy_id": policy_id,
                "effect": stmt.get("Effect"),
                "sid": stmt.get("Sid"),
                "action": as_list(stmt.get("Action")) or None,
                "notaction": as_list(stmt.get("NotAction")) or None,
                "resource": as_list(stmt.get("Resource")) or None,
                "notresource": as_list(stmt.get("NotResource")) or None,
                # Cartography stores the condition as the JSON of a one-element list; kept for compatibility.
                "condition": json.dumps([stmt["Condition"]], sort_keys=True) if "Condition" in stmt else None,
            }
        )
    return rows


def _default_document(policy: dict[str, Any]) -> Any:
    for version in policy.get("PolicyVersionList") or []:
        if version.get("IsDefaultVersion") or version.get("VersionId") == policy.get("DefaultVersionId"):
            return version.get("Document")
    raise ValueError("no default version in PolicyVersionList")


def _inline(details: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(principal ARN, inline policy) for every user, group and role."""
    out = []
    for list_key, inline_key in (
        ("UserDetailList", "UserPolicyList"),
        ("GroupDetailList", "GroupPolicyList"),
        ("RoleDetailList", "RolePolicyList"),
    ):
        for item in details.get(list_key) or []:
            out += [(item["Arn"], p) for p in item.get(inline_key) or []]
    return out


def transform(details: dict[str, Any], source: str = "get-account-authorization-details.json") -> Transformed:
    """Rows per schema; a policy whose document is unusable is left out and reported (module → partial)."""
    out = Transformed({schema: [] for schema in SCHEMAS})
    for policy in details.get("Policies") or []:
        arn = policy["Arn"]
        shared = account_of(arn) == "aws"  # AWS-managed: one node for every account that uses it
        try:
            doc = _document(_default_document(policy))
            statements = transform_statements(doc, arn)
        except ValueError as exc:
            out.errors.append(f"{source}: field 'Policies[{arn}].PolicyVersionList': {exc}")
            continue
        out.rows[AWS_MANAGED_POLICY_GLOBAL if shared else AWS_POLICY].append(
            {
                "id": arn,
                "arn": arn,
                "name": policy["PolicyName"],
                "type": "managed",
                "policyid": policy.get("PolicyId"),
                "path": policy.get("Path"),
                "default_version_id": policy.get("DefaultVersionId"),
                "createdate": policy.get("CreateDate"),
                "updatedate": policy.get("UpdateDate"),
                "description": policy.get("Description"),
                "document": to_json(doc),
            }
        )
        out.rows[AWS_POLICY_STATEMENT_GLOBAL if shared else AWS_POLICY_STATEMENT] += statements
    for principal_arn, policy in _inline(details):
        policy_id = inline_policy_id(principal_arn, policy["PolicyName"])
        try:
            doc = _document(policy["PolicyDocument"])
            statements = transform_statements(doc, policy_id)
        except ValueError as exc:
            out.errors.append(f"{source}: field 'PolicyDocument' of {policy_id}: {exc}")
            continue
        out.rows[AWS_INLINE_POLICY].append(
            {
                "id": policy_id,
                "arn": None,
                "name": policy["PolicyName"],
                "type": "inline",
                "document": to_json(doc),
            }
        )
        out.rows[AWS_POLICY_STATEMENT] += statements
    return out


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account = scope.owner
    source = str(snap.aws_path(account, *AUTH_DETAILS))
    return sync_aws(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get_authorization_details(snap, account),
        partial(transform, source=source),
        SCHEMAS,
    )


MODULE = Module("aws", "iam.policies", sync, SCHEMAS)
