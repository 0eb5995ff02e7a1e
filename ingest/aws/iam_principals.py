"""IAM users, groups and roles (AWSPrincipal), the principals roles trust, and instance profiles.

Runs after ``iam.policies`` (principals own their POLICY edges, so policies must exist first) and before
network/compute (EC2 instances MERGE their INSTANCE_PROFILE edge onto our AWSInstanceProfile nodes).
Roles load twice: once as nodes, then — same properties, same fingerprint — with their TRUSTS_AWS_PRINCIPAL
edges, once every trusted principal (including other roles) exists. Optional files (list-users, the
service-last-accessed reports) feed composite schemas, so a missing one keeps the previous values.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from graph.schema.aws import iam as s
from ingest.aws.iam_common import get_authorization_details, policy_ids, stamp, to_json
from ingest.aws.iam_last_accessed import last_accessed_rows
from ingest.aws.iam_trust import TrustedPrincipals, trusted_arns
from ingest.aws.regional import sync_aws, tags_json
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

PRINCIPAL_NODES = (
    s.AWS_ROOT_PRINCIPAL,
    s.AWS_FOREIGN_ACCOUNT,
    s.AWS_FOREIGN_ROOT_PRINCIPAL,
    s.AWS_SERVICE_PRINCIPAL,
    s.AWS_FEDERATED_PRINCIPAL,
    s.AWS_FEDERATED_PRINCIPAL_GLOBAL,
    s.AWS_OTHER_PRINCIPAL,
)
SCHEMAS = (
    *PRINCIPAL_NODES,
    s.AWS_GROUP,
    s.AWS_USER,
    s.AWS_ROLE,
    s.AWS_ROLE_TRUST,
    s.AWS_INSTANCE_PROFILE,
    s.AWS_USER_PASSWORD,
    s.AWS_PRINCIPAL_LAST_ACCESSED,
)
IAM = ("global", "iam")
LAST_ACCESSED = "get-service-last-accessed-details"


def get(snap: Snapshot, account: str) -> dict[str, Any] | None:
    details = get_authorization_details(snap, account)
    if details is None:
        return None
    reports, errors, users = {}, [], None
    try:  # an unreadable optional file costs only its own properties
        users = snap.aws(account, *IAM, "list-users")
    except InputError as exc:
        errors.append(str(exc))
    for name in snap.aws_resources(account, *IAM, LAST_ACCESSED):
        try:
            reports[name] = snap.aws(account, *IAM, LAST_ACCESSED, name)
        except InputError as exc:
            errors.append(str(exc))
    return {"details": details, "users": users, "last_accessed": reports, "errors": errors}


def _base(item: dict[str, Any], kind: str, inline_key: str) -> dict[str, Any]:
    boundary = (item.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    return {
        "id": item["Arn"],
        "arn": item["Arn"],
        "name": item[f"{kind}Name"],
        "path": item.get("Path"),
        **stamp("createdate", item.get("CreateDate")),
        "policy_ids": policy_ids(item, inline_key),
        "permissions_boundary_arn": boundary,
        "tags": tags_json(item.get("Tags")),  # users and roles carry Tags here; groups have none
    }


def _profile(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": p["Arn"],
        "arn": p["Arn"],
        "instance_profile_id": p["InstanceProfileId"],
        "instance_profile_name": p["InstanceProfileName"],
        "path": p.get("Path"),
        "createdate": p.get("CreateDate"),
        "role_arns": [x["Arn"] for x in p.get("Roles") or []],
    }


def transform(
    raw: dict[str, Any],
    account: str,
    in_snapshot: frozenset[str] = frozenset(),
    reports_dir: str = LAST_ACCESSED,
) -> Transformed:
    details = raw["details"]
    out = Transformed({schema: [] for schema in SCHEMAS}, list(raw["errors"]))
    groups = [
        {**_base(g, "Group", "GroupPolicyList"), "groupid": g["GroupId"]}
        for g in details.get("GroupDetailList") or []
    ]
    group_arns = {g["name"]: g["arn"] for g in groups}
    users = [
        {
            **_base(u, "User", "UserPolicyList"),
            "userid": u["UserId"],
            "group_arns": [group_arns[n] for n in u.get("GroupList") or [] if n in group_arns],
        }
        for u in details.get("UserDetailList") or []
    ]
    found, roles, profiles = TrustedPrincipals(), [], {}
    partition = next((r["Arn"].split(":")[1] for r in details.get("RoleDetailList") or []), "aws")
    for r in details.get("RoleDetailList") or []:
        trust, used = r.get("AssumeRolePolicyDocument") or {}, r.get("RoleLastUsed") or {}
        roles.append(
            {
                **_base(r, "Role", "RolePolicyList"),
                "roleid": r["RoleId"],
                "trust_policy": to_json(trust),
                "lastused": used.get("LastUsedDate"),
                "lastusedregion": used.get("Region"),
                "trusted_aws_principals": trusted_arns(trust, account, partition, found),
            }
        )
        profiles.update({p["Arn"]: _profile(p) for p in r.get("InstanceProfileList") or []})
    out.rows.update(
        {
            s.AWS_GROUP: groups,
            s.AWS_USER: users,
            s.AWS_ROLE: roles,
            s.AWS_ROLE_TRUST: roles,
            s.AWS_INSTANCE_PROFILE: list(profiles.values()),
        }
    )
    out.rows.update(found.node_rows(account, partition, in_snapshot))
    user_arns = {
        u["arn"] for u in users
    }  # composites only for nodes this run loads (MERGE would create them)
    out.rows[s.AWS_USER_PASSWORD] = [
        {"id": u["Arn"], **stamp("passwordlastused", u.get("PasswordLastUsed"))}
        for u in (raw["users"] or {}).get("Users") or []
        if u["Arn"] in user_arns
    ]
    rows, errors = last_accessed_rows(raw["last_accessed"], (*groups, *users, *roles), reports_dir)
    out.rows[s.AWS_PRINCIPAL_LAST_ACCESSED], out.errors = rows, out.errors + errors
    return out


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account = scope.owner
    transformer = partial(
        transform,
        account=account,
        in_snapshot=frozenset(snap.aws_accounts()),
        reports_dir=str(snap.aws_path(account, *IAM, LAST_ACCESSED, "-").parent),
    )
    return sync_aws(MODULE, snap, ctx, scope, partial(get, snap, account), transformer, SCHEMAS)


MODULE = Module("aws", "iam.principals", sync, SCHEMAS)
