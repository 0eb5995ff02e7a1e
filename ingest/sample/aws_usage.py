"""Usage data of one sample account: the IAM credential report and ACTION_LEVEL last-accessed reports.

The credential report is built from what the builder already wrote (users, list-users ``PasswordLastUsed``,
access keys and their get-access-key-last-used answers), so the two sources never disagree. Planted usage
(plan_aws.py) overrides a principal's last-accessed services with ``last_accessed[name]``.
"""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

COLUMNS = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
).split(",")


def service(
    ns: str, name: str, last: str | None, actions: dict[str, str | None] | None = None
) -> dict[str, Any]:
    """One ServicesLastAccessed item; ``actions`` (ActionName → last access) where AWS tracks actions."""
    item: dict[str, Any] = {
        "ServiceName": name,
        "ServiceNamespace": ns,
        "TotalAuthenticatedEntities": 1 if last else 0,
    }
    if last:
        item |= {"LastAuthenticated": last, "LastAuthenticatedRegion": "us-east-1"}
    if actions is not None:
        item["TrackedActionsLastAccessed"] = [
            {"ActionName": a, **({"LastAccessedTime": t, "LastAccessedRegion": "us-east-1"} if t else {})}
            for a, t in actions.items()
        ]
    return item


def credential_report(
    users: list[dict[str, Any]],
    listed: list[dict[str, Any]],
    keys: dict[str, list[dict[str, Any]]],
    last_used: dict[str, dict[str, Any]],
    mfa: dict[str, bool],
    generated: str,
) -> dict[str, Any]:
    """``aws iam get-credential-report`` as the CLI prints it (the CSV base64-encoded in ``Content``)."""
    console = {u["UserName"]: u.get("PasswordLastUsed") for u in listed}
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, restval="N/A", lineterminator="\n")
    writer.writeheader()
    for u in users:
        name = u["UserName"]
        has_password = name in console and console[name] is not None
        row = {
            "user": name,
            "arn": u["Arn"],
            "user_creation_time": u["CreateDate"],
            "password_enabled": "true" if has_password else "false",
            "password_last_used": console.get(name) or "N/A",
            "password_last_changed": u["CreateDate"] if has_password else "N/A",
            "mfa_active": "true" if mfa.get(name) else "false",
        }
        for slot in (1, 2):
            row[f"access_key_{slot}_active"] = "false"
        for slot, key in enumerate(keys.get(name, [])[:2], 1):
            used = (last_used.get(key["AccessKeyId"]) or {}).get("AccessKeyLastUsed") or {}
            row |= {
                f"access_key_{slot}_active": "true" if key["Status"] == "Active" else "false",
                f"access_key_{slot}_last_rotated": key["CreateDate"],
                f"access_key_{slot}_last_used_date": used.get("LastUsedDate") or "N/A",
                f"access_key_{slot}_last_used_region": used.get("Region") or "N/A",
                f"access_key_{slot}_last_used_service": used.get("ServiceName") or "N/A",
            }
        writer.writerow(row)
    content = base64.b64encode(out.getvalue().encode()).decode()
    return {"Content": content, "ReportFormat": "text/csv", "GeneratedTime": generated}
