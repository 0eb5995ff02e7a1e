"""Shared by the IAM modules: reading get-account-authorization-details, naming policies like Cartography."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from ingest.sources.snapshot import Snapshot

AUTH_DETAILS = ("global", "iam", "get-account-authorization-details")


def get_authorization_details(snap: Snapshot, account: str) -> dict[str, Any] | None:
    return snap.aws(account, *AUTH_DETAILS)


def inline_policy_id(principal_arn: str, name: str) -> str:
    """Cartography's id for an inline policy (inline policies have no ARN of their own)."""
    return f"{principal_arn}/inline_policy/{name}"


def account_of(arn: str) -> str:
    """The account field of an ARN ('' for service principals and non-ARNs; 'aws' for AWS-managed ones)."""
    parts = arn.split(":")
    return parts[4] if arn.startswith("arn:") and len(parts) > 4 else ""


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def to_json(doc: Any) -> str:
    """Canonical JSON (sorted keys) so a re-ordered but equal document is not reported as a change."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), default=_iso)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, (datetime, date)) else str(value)


def policy_ids(item: dict[str, Any], inline_key: str) -> list[str]:
    """Every policy attached to a user, group or role: managed by ARN, inline by Cartography's id."""
    managed = [p["PolicyArn"] for p in item.get("AttachedManagedPolicies") or []]
    inline = [inline_policy_id(item["Arn"], p["PolicyName"]) for p in item.get(inline_key) or []]
    return managed + inline


def stamp(name: str, value: datetime | None) -> dict[str, Any]:
    """Cartography's pair: ``name`` as the string it stores, ``name_dt`` as a datetime for comparisons."""
    return {name: str(value) if value is not None else None, f"{name}_dt": value}
