"""GCP organization policies: ``gcloud asset list --content-type=org-policy`` (v1 ``orgPolicy`` list per
organization / folder / project asset) and the v2 ``orgpolicy`` form, ``gcp/<scope>/orgpolicy/policies.json``
(a JSON array of ``gcloud org-policies describe … --format=json`` objects: ``name`` =
``<resource>/policies/<constraint>``, ``spec`` with ``rules``, ``inheritFromParent``, ``reset``).

Each policy becomes one GCPOrgPolicy row as set on its resource; the merge along the hierarchy is the
analysis's job (``analysis.privileges.gcp_org_policy``). A v2 policy replaces a v1 one for the same
resource and constraint (the v2 API is the current one; both describe the same setting).
"""

from __future__ import annotations

import json
from typing import Any

from graph.schema.gcp.common import is_org, scope_node_id
from graph.schema.gcp.org_policy import GCP_ORG_POLICY, GCP_ORG_POLICY_MARK_ORG, GCP_ORG_POLICY_MARK_PROJECT
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.gcp.common import Asset, read_assets, sync_gcp
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

ORG_POLICY = "org-policy"
_CRM = "//cloudresourcemanager.googleapis.com/"


def target_of(resource: str) -> dict[str, Any]:
    """APPLIES_TO keys for a policy set on ``organizations/N``, ``folders/N`` or ``projects/<n or id>``."""
    kind, _, ident = resource.partition("/")
    if kind == "organizations":
        return {"resource_type": "organization", "target_org": resource}
    if kind == "folders":
        return {"resource_type": "folder", "target_folder": resource}
    key = "target_project_number" if ident.isdigit() else "target_project_id"
    return {"resource_type": "project", key: ident}


def _base(resource: str, constraint: str, form: str) -> dict[str, Any]:
    short = constraint.removeprefix("constraints/")
    return {
        "id": f"{resource}/policies/{short}",
        "constraint": short,
        "resource": resource,
        "form": form,
        **target_of(resource),
        "enforced": None,
        "allowed_values": [],
        "denied_values": [],
        "all_values": None,
        "inherit_from_parent": False,
        "reset": False,
        "conditional": False,
        "conditions": [],
    }


def v1_row(resource: str, policy: dict[str, Any]) -> dict[str, Any]:
    """One ``google.cloud.orgpolicy.v1.Policy`` (camelCase, as gcloud prints it)."""
    row = _base(resource, policy["constraint"], "v1")
    row.update(etag=policy.get("etag"), update_time=policy.get("updateTime"))
    if "restoreDefault" in policy:
        row.update(kind="reset", reset=True)
    elif "listPolicy" in policy:
        lp = policy["listPolicy"] or {}
        row.update(
            kind="list",
            allowed_values=sorted(lp.get("allowedValues") or []),
            denied_values=sorted(lp.get("deniedValues") or []),
            all_values=lp.get("allValues") if lp.get("allValues") in ("ALLOW", "DENY") else None,
            inherit_from_parent=bool(lp.get("inheritFromParent")),
        )
    else:
        row.update(kind="boolean", enforced=bool((policy.get("booleanPolicy") or {}).get("enforced")))
    return row


def v2_row(policy: dict[str, Any]) -> dict[str, Any]:
    """One ``google.cloud.orgpolicy.v2.Policy``: ``name`` = ``<resource>/policies/<constraint>``."""
    resource, sep, constraint = policy["name"].partition("/policies/")
    if not sep:
        raise ValueError(f"policy name {policy['name']!r} has no /policies/ segment")
    spec = policy.get("spec") or {}
    row = _base(resource, constraint, "v2")
    row.update(etag=spec.get("etag"), update_time=spec.get("updateTime"))
    rules = spec.get("rules") or []
    row["inherit_from_parent"] = bool(spec.get("inheritFromParent"))
    row["conditions"] = sorted(
        json.dumps(r["condition"], sort_keys=True) for r in rules if isinstance(r.get("condition"), dict)
    )
    row["conditional"] = bool(row["conditions"])
    if spec.get("reset"):
        row.update(kind="reset", reset=True)
    elif any("enforce" in r for r in rules):
        # Unconditional rules decide; with only conditional ones the constraint holds "sometimes".
        plain = [r for r in rules if "enforce" in r and not r.get("condition")]
        row.update(kind="boolean", enforced=bool(plain[0]["enforce"]) if plain else True)
    else:
        allowed: set[str] = set()
        denied: set[str] = set()
        for r in rules:
            values = r.get("values") or {}
            allowed.update(values.get("allowedValues") or [])
            denied.update(values.get("deniedValues") or [])
            if r.get("allowAll") and not r.get("condition"):
                row["all_values"] = "ALLOW"
            if r.get("denyAll") and not r.get("condition"):
                row["all_values"] = "DENY"
        row.update(kind="list", allowed_values=sorted(allowed), denied_values=sorted(denied))
    return row


def _resource_of(asset: Asset) -> str:
    name = asset["name"]
    if not name.startswith(_CRM):
        raise ValueError(f"{name}: org policies are set on organizations, folders and projects only")
    return name[len(_CRM) :]


def get(snap: Snapshot, scope: str) -> dict[str, Any] | None:
    assets = read_assets(snap, scope, ORG_POLICY)
    v2 = snap.gcp_file(scope, "orgpolicy", "policies")
    if assets is None and v2 is None:
        return None
    if v2 is not None and not isinstance(v2, list):
        raise InputError(
            str(snap.root / "gcp" / scope / "orgpolicy" / "policies.json"), "expected a JSON array"
        )
    return {"assets": assets or [], "v2": v2 or []}


def transform(raw: dict[str, Any], scope: str) -> Transformed:
    rows: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for asset in raw["assets"]:
        try:
            resource = _resource_of(asset)
            for policy in asset.get("orgPolicy") or []:
                row = v1_row(resource, policy)
                rows.setdefault(row["id"], row)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            errors.append(f"{asset['name']}: orgPolicy: {type(exc).__name__}: {exc}")
    for i, policy in enumerate(raw["v2"]):
        try:
            row = v2_row(policy)
            rows[row["id"]] = row
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            errors.append(f"orgpolicy/policies.json [{i}]: {type(exc).__name__}: {exc}")
    mark = GCP_ORG_POLICY_MARK_ORG if is_org(scope) else GCP_ORG_POLICY_MARK_PROJECT
    out = {
        mark: [{"id": scope_node_id(scope), "org_policies_collected": True}],
        GCP_ORG_POLICY.pick(scope): list(rows.values()),
    }
    return Transformed(out, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    mark = GCP_ORG_POLICY_MARK_ORG if is_org(owner) else GCP_ORG_POLICY_MARK_PROJECT
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, owner),
        lambda raw: transform(raw, owner),
        [mark, GCP_ORG_POLICY.pick(owner)],
    )


MODULE = Module(
    "gcp",
    "org_policies",
    sync,
    (GCP_ORG_POLICY_MARK_ORG, GCP_ORG_POLICY_MARK_PROJECT, *GCP_ORG_POLICY.both),
)
