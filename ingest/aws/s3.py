"""S3 buckets (list-buckets) with per-bucket location, policy, ACL flags, public access block, encryption.

A missing per-bucket file leaves its properties as they were (composite schemas); ``{}`` — the
collector's record of "no policy / no public access block / no default encryption" — sets them to empty;
an unreadable one (bad JSON, a policy string that is not JSON) is reported with its file and field and the
module ends ``partial``, the other buckets loaded. Property names follow Cartography (anonymous_access
comes from the policy via policyuniverse, as it does).
"""

from __future__ import annotations

import json
from typing import Any

from policyuniverse.policy import Policy  # type: ignore[import-untyped]

from graph.schema.aws.s3 import S3_BUCKET, S3_BUCKET_DETAILS
from ingest.aws.regional import sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

SCHEMAS = (S3_BUCKET, *S3_BUCKET_DETAILS.values())
S3 = ("global", "s3api")
DETAILS = {
    "location": "get-bucket-location",
    "policy": "get-bucket-policy",
    "acl": "get-bucket-acl",
    "public_access_block": "get-public-access-block",
    "encryption": "get-bucket-encryption",
}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def get(snap: Snapshot, account: str) -> dict[str, Any] | None:
    listing = snap.aws(account, *S3, "list-buckets")
    if listing is None:
        return None
    details: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for bucket in listing.get("Buckets") or []:
        found = details.setdefault(bucket["Name"], {})
        for group, command in DETAILS.items():
            try:
                data = snap.aws(account, *S3, command, bucket["Name"])
            except InputError as exc:
                errors.append(str(exc))
                continue
            if data is not None:
                found[group] = {
                    "data": data,
                    "path": str(snap.aws_path(account, *S3, command, bucket["Name"])),
                }
    return {"listing": listing, "details": details, "errors": errors}


def _location(data: dict[str, Any]) -> dict[str, Any]:
    constraint = data.get("LocationConstraint")  # null means us-east-1; "EU" is the legacy eu-west-1
    return {"region": {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint)}


def _policy(data: dict[str, Any]) -> dict[str, Any]:
    if "Policy" not in data:  # `{}`: the collector's record of NoSuchBucketPolicy — no policy, so not public
        return {"policy": None, "anonymous_access": False, "anonymous_actions": []}
    doc = json.loads(data["Policy"])
    if not isinstance(doc, dict):
        raise ValueError("the policy is not a JSON object")
    policy = Policy(doc)
    public = bool(policy.is_internet_accessible())
    return {
        "policy": json.dumps(doc, sort_keys=True, separators=(",", ":")),
        "anonymous_access": public,
        "anonymous_actions": sorted(policy.internet_accessible_actions()) if public else [],
    }


def _acl(data: dict[str, Any]) -> dict[str, Any]:
    uris = {(g.get("Grantee") or {}).get("URI") for g in data.get("Grants") or []}
    return {
        "acl_grants_all_users": ALL_USERS in uris,
        "acl_grants_authenticated_users": AUTHENTICATED_USERS in uris,
    }


def _public_access_block(data: dict[str, Any]) -> dict[str, Any]:
    pab = data.get("PublicAccessBlockConfiguration") or {}  # `{}`: none configured, so nothing is blocked
    return {
        "block_public_acls": pab.get("BlockPublicAcls"),
        "ignore_public_acls": pab.get("IgnorePublicAcls"),
        "block_public_policy": pab.get("BlockPublicPolicy"),
        "restrict_public_buckets": pab.get("RestrictPublicBuckets"),
    }


def _encryption(data: dict[str, Any]) -> dict[str, Any]:
    rules = (data.get("ServerSideEncryptionConfiguration") or {}).get("Rules") or [{}]
    default = rules[0].get("ApplyServerSideEncryptionByDefault") or {}
    return {
        "default_encryption": bool(default.get("SSEAlgorithm")),
        "encryption_algorithm": default.get("SSEAlgorithm"),
        "encryption_key_id": default.get("KMSMasterKeyID"),
        "bucket_key_enabled": rules[0].get("BucketKeyEnabled"),
    }


PARSERS = {
    "location": _location,
    "policy": _policy,
    "acl": _acl,
    "public_access_block": _public_access_block,
    "encryption": _encryption,
}
_FIELD = {
    "location": "LocationConstraint",
    "policy": "Policy",
    "acl": "Grants",
    "public_access_block": "PublicAccessBlockConfiguration",
    "encryption": "ServerSideEncryptionConfiguration",
}


def transform(raw: dict[str, Any]) -> Transformed:
    out = Transformed({schema: [] for schema in SCHEMAS}, list(raw["errors"]))
    for bucket in raw["listing"].get("Buckets") or []:
        name = bucket["Name"]
        created = bucket.get("CreationDate")
        out.rows[S3_BUCKET].append(
            {
                "id": name,
                "name": name,
                "arn": f"arn:aws:s3:::{name}",
                "creationdate": str(created) if created else None,
            }
        )
        for group, found in raw["details"].get(name, {}).items():
            try:
                row = PARSERS[group](found["data"])
            except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
                out.errors.append(f"{found['path']}: field {_FIELD[group]!r}: {type(exc).__name__}: {exc}")
                continue  # this group stays as it was; the bucket and its other details still load
            out.rows[S3_BUCKET_DETAILS[group]].append({"id": name, **row})
    return out


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account = scope.owner
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account), transform, SCHEMAS)


MODULE = Module("aws", "s3", sync, SCHEMAS)
