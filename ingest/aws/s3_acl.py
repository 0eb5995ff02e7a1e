"""S3 bucket ACL grants as Cartography's S3Acl nodes: (S3Acl)-[:APPLIES_TO]->(S3Bucket).

get-bucket-acl succeeds for every bucket we may read, so a listed bucket without its file was not
collected: that is reported and the module ends ``partial`` (no sweep), keeping the bucket's old grants.
The id is Cartography's: a hash of account, owner and grant — identical grants on two buckets are one node.
"""

from __future__ import annotations

import hashlib
from functools import partial
from typing import Any

from graph.schema.aws.s3 import S3_ACL
from ingest.aws.regional import sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

S3 = ("global", "s3api")


def get(snap: Snapshot, account: str) -> dict[str, Any] | None:
    listing = snap.aws(account, *S3, "list-buckets")
    if listing is None:
        return None
    acls, errors = {}, []
    for bucket in listing.get("Buckets") or []:
        try:
            acl = snap.aws(account, *S3, "get-bucket-acl", bucket["Name"])
        except InputError as exc:
            errors.append(str(exc))
            continue
        if acl is None:
            errors.append(f"{snap.aws_path(account, *S3, 'get-bucket-acl', bucket['Name'])}: not collected")
        else:
            acls[bucket["Name"]] = acl
    return {"acls": acls, "errors": errors}


def _grant_row(account: str, owner: dict[str, Any], grant: dict[str, Any]) -> dict[str, Any] | None:
    grantee = grant.get("Grantee") or {}
    kind = grantee.get("Type")
    if kind not in ("CanonicalUser", "Group"):
        return None  # AmazonCustomerByEmail: Cartography skips it too
    row = {
        "owner": owner.get("DisplayName"),
        "ownerid": owner.get("ID"),
        "type": kind,
        "displayname": grantee.get("DisplayName") if kind == "CanonicalUser" else None,
        "granteeid": grantee.get("ID") if kind == "CanonicalUser" else None,
        "uri": grantee.get("URI") if kind == "Group" else None,
        "permission": grant.get("Permission"),
    }
    key = ":".join(
        str(row[k]) for k in ("owner", "ownerid", "type", "displayname", "granteeid", "uri", "permission")
    )
    return {**row, "id": hashlib.sha256(f"{account}:{key}".encode()).hexdigest()}


def transform(raw: dict[str, Any], account: str) -> Transformed:
    grants: dict[str, dict[str, Any]] = {}
    for bucket, acl in sorted(raw["acls"].items()):
        for grant in acl.get("Grants") or []:
            row = _grant_row(account, acl.get("Owner") or {}, grant)
            if row is not None:
                grants.setdefault(row["id"], {**row, "buckets": []})["buckets"].append(bucket)
    return Transformed({S3_ACL: list(grants.values())}, list(raw["errors"]))


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account = scope.owner
    return sync_aws(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, account),
        partial(transform, account=account),
        (S3_ACL,),
    )


MODULE = Module("aws", "s3_acl", sync, (S3_ACL,))
