"""Cloud Storage buckets (``storage.googleapis.com/Bucket``): GCPBucket, id = bucket name (Cartography).

Who can read a bucket is in the iam-policy content type (policy_bindings module: allUsers /
allAuthenticatedUsers members make ``is_public`` bindings APPLIES_TO the bucket); here we keep the two
settings that override such grants: uniform bucket-level access and public access prevention.
"""

from __future__ import annotations

from typing import Any

from graph.schema.gcp.data import GCP_BUCKET
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.gcp.common import RESOURCE, Asset, all_variants, envelope, read_assets, rows_each, sync_gcp
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _bucket(asset: Asset, data: dict[str, Any], scope: str) -> dict[str, Any]:
    iam = data.get("iamConfiguration") or {}
    ubla = (iam.get("uniformBucketLevelAccess") or iam.get("bucketPolicyOnly") or {}).get("enabled")
    env = envelope(asset, scope)
    return {
        **env,
        "id": data.get("name") or asset["name"].rsplit("/", 1)[-1],
        "self_link": data.get("selfLink"),
        # Bucket names carry no project: the number is in the data (and in ancestors, already in env).
        "project_number": env["project_number"]
        or (str(data["projectNumber"]) if data.get("projectNumber") else None),
        "location": data.get("location"),
        "location_type": data.get("locationType"),
        "storage_class": data.get("storageClass"),
        "time_created": data.get("timeCreated"),
        "retention_period": (data.get("retentionPolicy") or {}).get("retentionPeriod"),
        "uniform_bucket_level_access": bool(ubla),
        # "inherited"/"unspecified" both mean "not enforced on the bucket" (an org policy may still enforce).
        "public_access_prevention": iam.get("publicAccessPrevention"),
        "versioning_enabled": (data.get("versioning") or {}).get("enabled"),
        "default_kms_key_name": (data.get("encryption") or {}).get("defaultKmsKeyName"),
        "requester_pays": (data.get("billing") or {}).get("requesterPays"),
        "log_bucket": (data.get("logging") or {}).get("logBucket"),
    }


def transform(assets: list[Asset], scope: str) -> Transformed:
    errors: list[str] = []
    rows = rows_each(assets, "storage.googleapis.com/Bucket", lambda a, d: _bucket(a, d, scope), errors)
    return Transformed({GCP_BUCKET: rows}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_assets(snap, owner, RESOURCE),
        lambda assets: transform(assets, owner),
        [GCP_BUCKET],
    )


MODULE = Module("gcp", "buckets", sync, all_variants(GCP_BUCKET))
