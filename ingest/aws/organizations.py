"""AWS Organizations (management or delegated-administrator account folder): tree, SCPs and RCPs.

Reads, under ``aws/<account>/global/organizations/`` (docs/snapshot-format.md): ``describe-organization``,
``list-roots``, ``list-organizational-units-for-parent/<parent-id>`` and
``list-accounts-for-parent/<parent-id>`` for the root and every OU, ``list-policies/<TYPE>`` for
``SERVICE_CONTROL_POLICY`` and ``RESOURCE_CONTROL_POLICY``, ``describe-policy/<policy-id>`` and
``list-targets-for-policy/<policy-id>``. An account folder without ``describe-organization`` is not the
organization's administrator: the module is *not collected* there, and the evaluation says so.

A missing per-parent or per-policy file makes the module *partial* (the rest loads, nothing is swept);
a policy whose document is missing is loaded without it, and ``analysis.privileges.guardrails`` then
refuses to evaluate the accounts under it instead of guessing.
"""

from __future__ import annotations

import json
from typing import Any

from graph.schema.aws.organizations import (
    AWS_ORGANIZATION,
    AWS_ORGANIZATION_ACCOUNT,
    AWS_ORGANIZATION_ROOT,
    AWS_ORGANIZATIONAL_UNIT,
    AWS_RESOURCE_CONTROL_POLICY,
    AWS_SERVICE_CONTROL_POLICY,
    ORGANIZATION_SCHEMAS,
)
from ingest.aws.iam_common import to_json
from ingest.aws.regional import sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

POLICY_TYPES = {
    "SERVICE_CONTROL_POLICY": AWS_SERVICE_CONTROL_POLICY,
    "RESOURCE_CONTROL_POLICY": AWS_RESOURCE_CONTROL_POLICY,
}
_SERVICE = "organizations"


def _read(snap: Snapshot, account: str, command: str, resource: str | None = None) -> Any:
    return snap.aws(account, "global", _SERVICE, command, resource)


def get(snap: Snapshot, account: str) -> dict[str, Any] | None:
    """Every response of the organization's files, keyed like the snapshot (None: not collected)."""
    org = _read(snap, account, "describe-organization")
    if org is None:
        return None
    raw: dict[str, Any] = {"organization": org["Organization"], "missing": []}
    roots = _read(snap, account, "list-roots")
    if roots is None:
        raw["missing"].append("list-roots.json")
    raw["roots"] = (roots or {}).get("Roots", [])
    raw["ous"], raw["accounts"] = {}, {}
    todo = [r["Id"] for r in raw["roots"]]
    while todo:  # breadth first over the tree, one file pair per parent
        parent = todo.pop(0)
        for command, key, into in (
            ("list-organizational-units-for-parent", "OrganizationalUnits", raw["ous"]),
            ("list-accounts-for-parent", "Accounts", raw["accounts"]),
        ):
            got = _read(snap, account, command, parent)
            if got is None:
                raw["missing"].append(f"{command}/{parent}.json")
                continue
            into[parent] = got.get(key, [])
        todo.extend(ou["Id"] for ou in raw["ous"].get(parent, []))
    raw["policies"] = {}
    enabled = {
        t["Type"] for r in raw["roots"] for t in r.get("PolicyTypes") or [] if t.get("Status") == "ENABLED"
    }
    for kind in POLICY_TYPES:
        listed = _read(snap, account, "list-policies", kind)
        if listed is None:
            if kind in enabled:  # enabled but not listed: the evaluation must not read it as "none attached"
                raw["missing"].append(f"list-policies/{kind}.json")
            continue
        for summary in listed.get("Policies", []):
            pid = summary["Id"]
            described = _read(snap, account, "describe-policy", pid)
            targets = _read(snap, account, "list-targets-for-policy", pid)
            for name, value in (("describe-policy", described), ("list-targets-for-policy", targets)):
                if value is None:
                    raw["missing"].append(f"{name}/{pid}.json")
            path = str(snap.aws_path(account, "global", _SERVICE, "describe-policy", pid))
            raw["policies"][pid] = (kind, summary, described, targets, path)
    return raw


def _content(described: dict[str, Any] | None, path: str) -> dict[str, Any] | None:
    if described is None:
        return None
    text = described["Policy"]["Content"]
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"Content is not JSON: {exc.msg}", "Policy.Content") from exc


def _facts(doc: dict[str, Any] | None) -> dict[str, Any]:
    """What the guardrail controls ask of a policy, so they stay plain Cypher: the actions it denies
    outright on every resource, and whether it denies anything to the root user."""
    if doc is None:
        return {"deny_actions": None, "restricts_root_user": None}
    denied: set[str] = set()
    root_user = False
    raw = doc.get("Statement", [])
    for s in [raw] if isinstance(raw, dict) else raw:
        if s.get("Effect") != "Deny":
            continue
        cond = json.dumps(s.get("Condition") or {}).lower()
        if "aws:principalarn" in cond and ":root" in cond:
            root_user = True
        if s.get("Condition") or "Action" not in s or s.get("Resource", "*") not in ("*", ["*"]):
            continue
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        denied.update(str(a).lower() for a in actions)
    return {"deny_actions": sorted(denied), "restricts_root_user": root_user}


def transform(raw: dict[str, Any]) -> Transformed:
    org = raw["organization"]
    org_id = org["Id"]
    types = {
        t["Type"] for r in raw["roots"] for t in r.get("PolicyTypes") or [] if t.get("Status") == "ENABLED"
    }
    rows: dict[Any, list[dict[str, Any]]] = {s: [] for s in ORGANIZATION_SCHEMAS}
    rows[AWS_ORGANIZATION].append(
        {
            "id": org_id,
            "arn": org.get("Arn"),
            "feature_set": org.get("FeatureSet"),
            "management_account_arn": org.get("MasterAccountArn"),
            "management_account_id": org.get("MasterAccountId"),
            "management_account_email": org.get("MasterAccountEmail"),
            "scp_enabled": "SERVICE_CONTROL_POLICY" in types,
            "rcp_enabled": "RESOURCE_CONTROL_POLICY" in types,
        }
    )
    root_ids = {r["Id"] for r in raw["roots"]}
    for root in raw["roots"]:
        rows[AWS_ORGANIZATION_ROOT].append(
            {
                "id": f"{org_id}/{root['Id']}",
                "root_id": root["Id"],
                "arn": root.get("Arn"),
                "name": root.get("Name"),
                "org_id": org_id,
                "policy_types": sorted(
                    t["Type"] for t in root.get("PolicyTypes") or [] if t.get("Status") == "ENABLED"
                ),
            }
        )
    root_of: dict[str, str] = {r: r for r in root_ids}
    path: dict[str, list[str]] = {r: [f"{org_id}/{r}"] for r in root_ids}  # root … this OU
    for parent, ous in raw["ous"].items():  # parents come before children (breadth-first order)
        for ou in ous:
            root_of[ou["Id"]] = root_of.get(parent, parent)
            path[ou["Id"]] = [*path.get(parent, [f"{org_id}/{parent}"]), f"{org_id}/{ou['Id']}"]
            rows[AWS_ORGANIZATIONAL_UNIT].append(
                {
                    "id": f"{org_id}/{ou['Id']}",
                    "ou_id": ou["Id"],
                    "arn": ou.get("Arn"),
                    "name": ou.get("Name"),
                    "org_id": org_id,
                    "root_id": f"{org_id}/{root_of[ou['Id']]}",
                    **_parent(org_id, parent, root_ids),
                }
            )
    for parent, accounts in raw["accounts"].items():
        for a in accounts:
            rows[AWS_ORGANIZATION_ACCOUNT].append(
                {
                    "id": a["Id"],
                    "arn": a.get("Arn"),
                    "email": a.get("Email"),
                    "state": a.get("State"),
                    "status": a.get("Status"),
                    "joined_method": a.get("JoinedMethod"),
                    "joined_timestamp": str(a["JoinedTimestamp"]) if a.get("JoinedTimestamp") else None,
                    "org_id": org_id,
                    "org_account_name": a.get("Name"),
                    "org_parent_id": f"{org_id}/{parent}",
                    "org_path": path.get(parent, [f"{org_id}/{parent}"]),
                    **_parent(org_id, parent, root_ids),
                }
            )
    for pid, (kind, summary, described, targets, path) in raw["policies"].items():
        by_type: dict[str, list[str]] = {"ROOT": [], "ORGANIZATIONAL_UNIT": [], "ACCOUNT": []}
        for t in (targets or {}).get("Targets", []):
            by_type.setdefault(t["Type"], []).append(t["TargetId"])
        content = _content(described, path)
        rows[POLICY_TYPES[kind]].append(
            {
                **_facts(content),
                "id": f"{org_id}/{pid}",
                "policy_id": pid,
                "arn": summary.get("Arn"),
                "name": summary.get("Name"),
                "description": summary.get("Description"),
                "type": summary.get("Type", kind),
                "aws_managed": summary.get("AwsManaged"),
                "org_id": org_id,
                "document": to_json(content) if content is not None else None,
                "root_targets": [f"{org_id}/{x}" for x in by_type["ROOT"]],
                "ou_targets": [f"{org_id}/{x}" for x in by_type["ORGANIZATIONAL_UNIT"]],
                "account_targets": by_type["ACCOUNT"],
            }
        )
    errors = [f"aws.organizations [{org_id}]: {name} not collected" for name in raw["missing"]]
    return Transformed(rows, errors)


def _parent(org_id: str, parent: str, root_ids: set[str]) -> dict[str, str | None]:
    key = f"{org_id}/{parent}"
    return {
        "parent_root_id": key if parent in root_ids else None,
        "parent_ou_id": None if parent in root_ids else key,
    }


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account = scope.owner
    # The sweep is scoped by the organization, whose id is only known once describe-organization is
    # read; sync_resource reads ``context`` at load time, after ``get`` filled it in.
    context: dict[str, Any] = {}

    def _get() -> dict[str, Any] | None:
        raw = get(snap, account)
        if raw is not None:
            context["ORG_ID"] = raw["organization"]["Id"]
        return raw

    return sync_aws(MODULE, snap, ctx, scope, _get, transform, ORGANIZATION_SCHEMAS, context=context)


MODULE = Module("aws", "organizations", sync, ORGANIZATION_SCHEMAS)
