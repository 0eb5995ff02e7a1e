"""Privileges test wiring: an empty graph (the pipeline runs the privileges step), IAM snapshot builders."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
HANDWRITTEN = REPO / "tests" / "data" / "snapshots" / "handwritten"
ACCOUNT = "111122223333"


@pytest.fixture()
def with_step(neo4j: str) -> Iterator[str]:
    """An empty graph; the privileges step is registered with the pipeline (history/post_ingest.py)."""
    yield neo4j


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def arn(kind: str, name: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:iam::{account}:{kind}/{name}"


def managed(name: str, document: dict[str, Any], account: str = ACCOUNT) -> dict[str, Any]:
    """A ``Policies`` item as ``aws iam get-account-authorization-details`` prints it."""
    return {
        "PolicyName": name,
        "PolicyId": "ANPA" + name.upper()[:16].ljust(16, "X"),
        "Arn": f"arn:aws:iam::{account}:policy/{name}",
        "Path": "/",
        "DefaultVersionId": "v1",
        "AttachmentCount": 1,
        "IsAttachable": True,
        "CreateDate": "2026-01-01T00:00:00+00:00",
        "UpdateDate": "2026-01-01T00:00:00+00:00",
        "PolicyVersionList": [
            {
                "Document": document,
                "VersionId": "v1",
                "IsDefaultVersion": True,
                "CreateDate": "2026-01-01T00:00:00+00:00",
            }
        ],
    }


def _attached(policies: list[str]) -> list[dict[str, str]]:
    return [{"PolicyName": p.rsplit("/", 1)[-1], "PolicyArn": p} for p in policies]


def user(
    name: str,
    policies: list[str] = (),
    inline: dict[str, Any] | None = None,  # type: ignore[assignment]
    groups: list[str] = (),
    boundary: str | None = None,
) -> dict[str, Any]:  # type: ignore[assignment]
    item: dict[str, Any] = {
        "Path": "/",
        "UserName": name,
        "UserId": "AIDA" + name.upper().ljust(17, "X")[:17],
        "Arn": arn("user", name),
        "CreateDate": "2026-01-01T00:00:00+00:00",
        "UserPolicyList": [{"PolicyName": k, "PolicyDocument": v} for k, v in (inline or {}).items()],
        "GroupList": list(groups),
        "AttachedManagedPolicies": _attached(list(policies)),
        "Tags": [],
    }
    if boundary:
        item["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": boundary,
        }
    return item


def group(name: str, policies: list[str] = (), inline: dict[str, Any] | None = None) -> dict[str, Any]:  # type: ignore[assignment]
    return {
        "Path": "/",
        "GroupName": name,
        "GroupId": "AGPA" + name.upper().ljust(17, "X")[:17],
        "Arn": arn("group", name),
        "CreateDate": "2026-01-01T00:00:00+00:00",
        "GroupPolicyList": [{"PolicyName": k, "PolicyDocument": v} for k, v in (inline or {}).items()],
        "AttachedManagedPolicies": _attached(list(policies)),
    }


def role(
    name: str,
    trust: dict[str, Any],
    policies: list[str] = (),  # type: ignore[assignment]
    inline: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "Path": "/",
        "RoleName": name,
        "RoleId": "AROA" + name.upper().ljust(17, "X")[:17],
        "Arn": arn("role", name),
        "CreateDate": "2026-01-01T00:00:00+00:00",
        "AssumeRolePolicyDocument": trust,
        "InstanceProfileList": [],
        "RolePolicyList": [{"PolicyName": k, "PolicyDocument": v} for k, v in (inline or {}).items()],
        "AttachedManagedPolicies": _attached(list(policies)),
        "Tags": [],
        "RoleLastUsed": {},
    }


def write_iam_snapshot(
    root: Path, details: dict[str, Any] | str, collected_at: str, account: str = ACCOUNT
) -> Path:
    """A snapshot folder holding only ``get-account-authorization-details.json`` (a str is written raw)."""
    folder = root / "aws" / account / "global" / "iam"
    folder.mkdir(parents=True, exist_ok=True)
    (root / "snapshot.json").write_text(json.dumps({"collected_at": collected_at}))
    text = details if isinstance(details, str) else json.dumps({"IsTruncated": False, **details}, indent=1)
    (folder / "get-account-authorization-details.json").write_text(text)
    return root
