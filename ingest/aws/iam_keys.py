"""IAM user credentials: access keys (AccountAccessKey, with last use) and MFA devices (AWSMfaDevice).

Per-user files (list-access-keys, list-mfa-devices) exist for every user a collector saw, so a missing one
means that user was not collected: the module ends ``partial`` and sweeps nothing. A missing
get-access-key-last-used file only leaves that key's last-use properties as they were (a composite schema).
"""

from __future__ import annotations

from typing import Any

from graph.schema.aws.iam import AWS_ACCESS_KEY, AWS_ACCESS_KEY_LAST_USED, AWS_MFA_DEVICE
from ingest.aws.iam_common import get_authorization_details, stamp
from ingest.aws.regional import sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

SCHEMAS = (AWS_ACCESS_KEY, AWS_ACCESS_KEY_LAST_USED, AWS_MFA_DEVICE)
IAM = ("global", "iam")


def _read(
    snap: Snapshot, account: str, command: str, name: str, errors: list[str], required: bool = True
) -> dict[str, Any] | None:
    try:
        data = snap.aws(account, *IAM, command, name)
    except InputError as exc:
        errors.append(str(exc))
        return None
    if data is None and required:
        errors.append(f"{snap.aws_path(account, *IAM, command, name)}: not collected")
    return data


def get(snap: Snapshot, account: str) -> dict[str, Any] | None:
    details = get_authorization_details(snap, account)
    if details is None:
        return None
    errors: list[str] = []
    users = []
    for user in details.get("UserDetailList") or []:
        name = user["UserName"]
        keys = _read(snap, account, "list-access-keys", name, errors)
        mfa = _read(snap, account, "list-mfa-devices", name, errors)
        last_used = {}
        for key in (keys or {}).get("AccessKeyMetadata") or []:
            found = _read(
                snap, account, "get-access-key-last-used", key["AccessKeyId"], errors, required=False
            )
            if found is not None:
                last_used[key["AccessKeyId"]] = found
        users.append({"arn": user["Arn"], "name": name, "keys": keys, "mfa": mfa, "last_used": last_used})
    return {"users": users, "errors": errors}


def transform(raw: dict[str, Any]) -> Transformed:
    out = Transformed({schema: [] for schema in SCHEMAS}, list(raw["errors"]))
    for user in raw["users"]:
        for key in (user["keys"] or {}).get("AccessKeyMetadata") or []:
            key_id = key["AccessKeyId"]
            out.rows[AWS_ACCESS_KEY].append(
                {
                    "id": key_id,
                    "accesskeyid": key_id,
                    "status": key.get("Status"),
                    "user_arn": user["arn"],
                    **stamp("createdate", key.get("CreateDate")),
                }
            )
            report = user["last_used"].get(key_id)
            if report is not None:  # absent: not collected, the key keeps its previous last use
                used = report.get("AccessKeyLastUsed") or {}
                out.rows[AWS_ACCESS_KEY_LAST_USED].append(
                    {
                        "id": key_id,
                        **stamp("lastuseddate", used.get("LastUsedDate")),
                        "lastusedservice": used.get("ServiceName"),
                        "lastusedregion": used.get("Region"),
                        "lastused_collected": True,
                    }
                )
        for device in (user["mfa"] or {}).get("MFADevices") or []:
            out.rows[AWS_MFA_DEVICE].append(
                {
                    "id": device["SerialNumber"],
                    "serialnumber": device["SerialNumber"],
                    "username": user["name"],
                    "user_arn": user["arn"],
                    **stamp("enabledate", device.get("EnableDate")),
                }
            )
    return out


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account = scope.owner
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account), transform, SCHEMAS)


MODULE = Module("aws", "iam.keys", sync, SCHEMAS)
