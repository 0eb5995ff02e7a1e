"""KMS keys of one region: ``aws kms list-keys`` plus, per key, ``describe-key``, ``get-key-policy`` and —
where AWS rotates key material automatically — ``get-key-rotation-status``.

Automatic rotation exists only for symmetric encryption keys with AWS-generated material
(``rotation_applies``); for other keys the collector makes no rotation call and ``key_rotation_enabled``
stays null (not applicable, never "disabled"). A key whose describe, policy or required rotation file is
missing or unusable is left out and named, and the module ends ``partial`` (no cleanup: its previous node
stays). Property names follow Cartography's AWSKMSKey; anonymous_access comes from the key policy via
policyuniverse, as Cartography computes it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from policyuniverse.policy import Policy  # type: ignore[import-untyped]

from graph.schema.aws.kms import KMS_KEY
from ingest.aws.regional import read_each, read_listing, sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

_COPIED = {
    "arn": "Arn",
    "key_id": "KeyId",
    "description": "Description",
    "enabled": "Enabled",
    "key_state": "KeyState",
    "key_usage": "KeyUsage",
    "key_manager": "KeyManager",
    "origin": "Origin",
    "custom_key_store_id": "CustomKeyStoreId",
    "cloud_hsm_cluster_id": "CloudHsmClusterId",
    "expiration_model": "ExpirationModel",
    "customer_master_key_spec": "CustomerMasterKeySpec",
    "key_spec": "KeySpec",
    "multi_region": "MultiRegion",
}
_DATES = {"creation_date": "CreationDate", "deletion_date": "DeletionDate", "valid_to": "ValidTo"}


def rotation_applies(meta: dict[str, Any]) -> bool:
    """Whether AWS can rotate this key automatically (symmetric encryption, AWS_KMS key material)."""
    spec = meta.get("KeySpec") or meta.get("CustomerMasterKeySpec")
    return spec == "SYMMETRIC_DEFAULT" and meta.get("Origin") == "AWS_KMS"


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    listed = read_listing(snap, account, region, "kms", "list-keys", "Keys")
    if listed is None:
        return None
    ids = [k["KeyId"] for k in listed["Keys"]]
    described, errors = read_each(snap, account, region, "kms", "describe-key", ids, "KeyMetadata")
    policies, more = read_each(snap, account, region, "kms", "get-key-policy", list(described), "Policy")
    errors += more
    rotating = [i for i, d in described.items() if rotation_applies(d["KeyMetadata"])]
    rotation, more = read_each(
        snap, account, region, "kms", "get-key-rotation-status", rotating, "KeyRotationEnabled"
    )
    errors += more
    return {"keys": described, "policies": policies, "rotation": rotation, "errors": errors}


def _epoch(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None  # Cartography: epoch seconds


def _policy(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    if not isinstance(doc, dict):
        raise ValueError("the key policy is not a JSON object")
    policy = Policy(doc)
    public = bool(policy.is_internet_accessible())
    return {
        "policy": json.dumps(doc, sort_keys=True, separators=(",", ":")),
        "anonymous_access": public,
        "anonymous_actions": sorted(policy.internet_accessible_actions()) if public else [],
    }


def transform(raw: dict[str, Any]) -> Transformed:
    rows, errors = [], list(raw["errors"])
    for key_id, described in raw["keys"].items():
        meta = described["KeyMetadata"]
        applies = rotation_applies(meta)
        if key_id not in raw["policies"] or (applies and key_id not in raw["rotation"]):
            continue  # its missing file is already in errors
        try:
            policy = _policy(raw["policies"][key_id]["Policy"])
        except ValueError as exc:
            errors.append(f"kms get-key-policy {key_id}: Policy: {exc}")
            continue
        rotation = raw["rotation"].get(key_id, {})
        row: dict[str, Any] = {prop: meta.get(field) for prop, field in _COPIED.items()}
        row.update({prop: _epoch(meta.get(field)) for prop, field in _DATES.items()})
        row.update(policy)
        row["id"] = meta["KeyId"]
        row["encryption_algorithms"] = meta.get("EncryptionAlgorithms") or []
        row["signing_algorithms"] = meta.get("SigningAlgorithms") or []
        row["key_rotation_enabled"] = rotation.get("KeyRotationEnabled") if applies else None
        row["rotation_period_in_days"] = rotation.get("RotationPeriodInDays") if applies else None
        rows.append(row)
    return Transformed({KMS_KEY: rows}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account, region), transform)


MODULE = Module("aws", "kms", sync, (KMS_KEY,), regional=True)
