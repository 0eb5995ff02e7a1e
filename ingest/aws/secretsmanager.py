"""Secrets Manager secrets (list-secrets). Metadata only: list-secrets never returns secret values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graph.schema.aws.secretsmanager import SECRETS_MANAGER_SECRET
from ingest.aws.regional import sync_aws, tags_json
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

_COPIED = {
    "arn": "ARN",
    "name": "Name",
    "description": "Description",
    "rotation_enabled": "RotationEnabled",
    "rotation_lambda_arn": "RotationLambdaARN",
    "kms_key_id": "KmsKeyId",
    "owning_service": "OwningService",
    "primary_region": "PrimaryRegion",
}
_DATES = {
    "created_date": "CreatedDate",
    "last_rotated_date": "LastRotatedDate",
    "last_changed_date": "LastChangedDate",
    "last_accessed_date": "LastAccessedDate",
    "deleted_date": "DeletedDate",
}


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    return snap.aws(account, region, "secretsmanager", "list-secrets")


def _epoch(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None  # Cartography stores these as epoch seconds


def transform(raw: dict[str, Any]) -> Transformed:
    rows = []
    for secret in raw.get("SecretList") or []:
        row: dict[str, Any] = {prop: secret.get(key) for prop, key in _COPIED.items()}
        row.update({prop: _epoch(secret.get(key)) for prop, key in _DATES.items()})
        row["id"] = secret["ARN"]
        row["tags"] = tags_json(secret.get("Tags"))
        row["rotation_rules_automatically_after_days"] = (secret.get("RotationRules") or {}).get(
            "AutomaticallyAfterDays"
        )
        rows.append(row)
    return Transformed({SECRETS_MANAGER_SECRET: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, account, region),
        transform,
        (SECRETS_MANAGER_SECRET,),
    )


MODULE = Module("aws", "secretsmanager", sync, (SECRETS_MANAGER_SECRET,), regional=True)
