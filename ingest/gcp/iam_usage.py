"""GCP permission usage: IAM policy insights and service-account / key last authentication.

``gcp/<scope>/recommender/insights.json``: the JSON array ``gcloud recommender insights list
--insight-type=google.iam.policy.Insight --location=global --project=…|--organization=… --format=json`` prints
(one insight per binding: ``content.member``, ``content.role``, ``content.exercisedPermissions``,
``content.inferredPermissions``, ``content.currentTotalPermissionsCount``, ``observationPeriod``).
``gcp/<scope>/policyintelligence/<activity-type>.json`` for ``serviceAccountLastAuthentication`` and
``serviceAccountKeyLastAuthentication``: the JSON array ``gcloud policy-intelligence query-activity
--activity-type=<type> --project=… --limit=unlimited --format=json`` prints (for an organization folder, the
arrays of its projects concatenated). Activity Analyzer lists only identities that authenticated: an
account absent from a collected file had no authentication in the window; an absent *file* is not collected.
Composites are written only for accounts and keys this scope's resource listing holds (MERGE must not
invent nodes).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graph.schema.gcp.common import is_org, scope_node_id
from graph.schema.gcp.usage import (
    GCP_ACTIVITY_MARK_ORG,
    GCP_ACTIVITY_MARK_PROJECT,
    GCP_IAM_INSIGHT,
    GCP_SA_KEY_LAST_AUTH,
    GCP_SA_LAST_AUTH,
)
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.gcp.common import sync_gcp
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

ACTIVITY_TYPES = ("serviceAccountLastAuthentication", "serviceAccountKeyLastAuthentication")


def _array(snap: Snapshot, scope: str, service: str, name: str) -> list[Any] | None:
    value = snap.gcp_file(scope, service, name)
    if value is not None and not isinstance(value, list):
        raise InputError(str(snap.root / "gcp" / scope / service / f"{name}.json"), "expected a JSON array")
    return value


def get(snap: Snapshot, scope: str) -> dict[str, Any] | None:
    insights = _array(snap, scope, "recommender", "insights")
    activity = {t: _array(snap, scope, "policyintelligence", t) for t in ACTIVITY_TYPES}
    if insights is None and all(v is None for v in activity.values()):
        return None
    assets = snap.gcp(scope, "resource") or []
    accounts = {
        str(a["resource"]["data"]["uniqueId"]): a["resource"]["data"].get("email")
        for a in assets
        if a.get("assetType") == "iam.googleapis.com/ServiceAccount"
        and isinstance((a.get("resource") or {}).get("data"), dict)
        and "uniqueId" in a["resource"]["data"]
    }
    keys = [  # the node id service_accounts.py gives a key: data.name, else the asset name
        ((a.get("resource") or {}).get("data") or {}).get("name")
        or a["name"].split("//iam.googleapis.com/", 1)[-1]
        for a in assets
        if a.get("assetType") == "iam.googleapis.com/ServiceAccountKey" and isinstance(a.get("name"), str)
    ]
    return {
        "insights": insights,
        "activity": activity,
        "accounts": accounts,
        "keys": keys,
        "at": snap.collected_at,
    }


def _seconds(value: Any) -> float:
    return float(str(value).rstrip("s"))


def _insight(item: dict[str, Any]) -> dict[str, Any]:
    content = item["content"]
    total = content.get("currentTotalPermissionsCount")
    return {
        "id": item["name"],
        "member": content["member"],
        "role": content["role"],
        "resource": (item.get("targetResources") or [None])[0],
        "exercised": sorted(p["permission"] for p in content.get("exercisedPermissions") or []),
        "inferred": sorted(p["permission"] for p in content.get("inferredPermissions") or []),
        "total_permissions": int(total) if total is not None else None,
        "observation_days": round(_seconds(item.get("observationPeriod", "7776000s")) / 86400),
        "last_refresh": item.get("lastRefreshTime"),
        "state": (item.get("stateInfo") or {}).get("state"),
        "subtype": item.get("insightSubtype"),
        "description": item.get("description"),
    }


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def transform(raw: dict[str, Any], scope: str) -> Transformed:
    out: dict[Any, list[dict[str, Any]]] = {}
    errors: list[str] = []
    if raw["insights"] is not None:
        rows = []
        for i, item in enumerate(raw["insights"]):
            try:
                rows.append(_insight(item))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                errors.append(f"recommender/insights.json [{i}]: {type(exc).__name__}: {exc}")
        out[GCP_IAM_INSIGHT] = rows
    by_email = {email: uid for uid, email in raw["accounts"].items() if email}
    key_by_id = {k.rsplit("/", 1)[-1]: k for k in raw["keys"]}
    starts: list[datetime] = []
    latest: dict[str, dict[str, datetime]] = {t: {} for t in ACTIVITY_TYPES}
    for kind, items in raw["activity"].items():
        for i, item in enumerate(items or []):
            try:
                act = item["activity"]
                when = _when(act["lastAuthenticatedTime"])
                name = item["fullResourceName"].split("//iam.googleapis.com/", 1)[-1]
                start = (item.get("observationPeriod") or {}).get("startTime")
                if start:
                    starts.append(_when(start))
                if kind == "serviceAccountKeyLastAuthentication":
                    target = key_by_id.get(name.rsplit("/", 1)[-1])
                else:
                    uid = str((act.get("serviceAccount") or {}).get("serviceAccountId") or "")
                    target = uid if uid in raw["accounts"] else by_email.get(name.rsplit("/", 1)[-1])
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                errors.append(f"policyintelligence/{kind}.json [{i}]: {type(exc).__name__}: {exc}")
                continue
            if target is not None and when > latest[kind].get(target, datetime.min.replace(tzinfo=UTC)):
                latest[kind][target] = when
    out[GCP_SA_LAST_AUTH] = [
        {"id": k, "at": v} for k, v in latest["serviceAccountLastAuthentication"].items()
    ]
    out[GCP_SA_KEY_LAST_AUTH] = [
        {"id": k, "at": v} for k, v in latest["serviceAccountKeyLastAuthentication"].items()
    ]
    if all(raw["activity"][t] is not None for t in ACTIVITY_TYPES):
        mark = GCP_ACTIVITY_MARK_ORG if is_org(scope) else GCP_ACTIVITY_MARK_PROJECT
        since = min(starts) if starts else None  # an empty answer states no window: see analysis
        out[mark] = [{"id": scope_node_id(scope), "since": since, "at": raw["at"]}]
    elif any(raw["activity"][t] is not None for t in ACTIVITY_TYPES):
        errors.append("policyintelligence: both activity files are needed to call anything unused")
    return Transformed(out, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    mark = GCP_ACTIVITY_MARK_ORG if is_org(owner) else GCP_ACTIVITY_MARK_PROJECT
    # Insights are loaded and swept only when their file is present (else the previous ones stay); the
    # composites and the mark have no owner and are never swept.
    has_insights = (snap.root / "gcp" / owner / "recommender" / "insights.json").is_file()
    schemas = [GCP_IAM_INSIGHT] if has_insights else []
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, owner),
        lambda raw: transform(raw, owner),
        [*schemas, GCP_SA_LAST_AUTH, GCP_SA_KEY_LAST_AUTH, mark],
    )


MODULE = Module(
    "gcp",
    "iam_usage",
    sync,
    (
        *GCP_IAM_INSIGHT.both,
        GCP_SA_LAST_AUTH,
        GCP_SA_KEY_LAST_AUTH,
        GCP_ACTIVITY_MARK_ORG,
        GCP_ACTIVITY_MARK_PROJECT,
    ),
)
