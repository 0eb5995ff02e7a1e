"""The IAM credential report (``aws iam get-credential-report``): console-password and key use per user.

``global/iam/get-credential-report.json`` is the CLI's answer ``{"Content": <base64 CSV>, "ReportFormat":
"text/csv", "GeneratedTime"}`` (the snapshot reader decodes the blob, as boto3 does). Columns are AWS's
(https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html); ``N/A`` means "does
not apply" (no password, no key), ``no_information`` "never used since AWS tracks it", ``not_supported`` a
field AWS cannot fill (kept as null). A missing file is *not collected*: the users keep their previous values
(a composite schema, never swept) and nothing is called unused.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from graph.schema.aws.iam import AWS_USER_CREDENTIAL_REPORT
from ingest.aws.iam_common import get_authorization_details
from ingest.aws.regional import sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

SCHEMAS = (AWS_USER_CREDENTIAL_REPORT,)
COMMAND = "get-credential-report"
REQUIRED = ("user", "arn", "password_enabled", "password_last_used")
_TIMES = (
    "password_last_used",
    "password_last_changed",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
)


def get(snap: Snapshot, account: str) -> dict[str, Any] | None:
    details = get_authorization_details(snap, account)
    report = snap.aws(account, "global", "iam", COMMAND)
    if details is None or report is None:
        return None
    path = str(snap.aws_path(account, "global", "iam", COMMAND))
    content = report.get("Content")
    if not isinstance(content, bytes | bytearray):
        raise InputError(path, "expected the base64 CSV of the credential report", "Content")
    try:
        text = bytes(content).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(path, "the report is not UTF-8 CSV", "Content") from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    missing = [c for c in REQUIRED if rows and c not in rows[0]]
    if missing:
        raise InputError(path, f"CSV column(s) missing: {', '.join(missing)}", "Content")
    users = {u["Arn"] for u in details.get("UserDetailList") or []}
    return {"generated": report.get("GeneratedTime"), "rows": rows, "users": users, "path": path}


def _time(value: str | None) -> datetime | None:
    if not value or value in ("N/A", "no_information", "not_supported"):
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _flag(value: str | None) -> bool | None:
    return {"true": True, "false": False}.get((value or "").lower())


def transform(raw: dict[str, Any]) -> Transformed:
    out, errors = [], []
    for n, row in enumerate(raw["rows"], 2):  # line 1 is the header
        if row.get("arn") not in raw["users"]:  # the root row and users this run did not load
            continue
        try:
            times = {c: _time(row.get(c)) for c in _TIMES}
        except ValueError as exc:
            errors.append(f"{raw['path']}: Content line {n}: {exc}")
            continue
        out.append(
            {
                "id": row["arn"],
                "credential_report_at": raw["generated"],
                "password_enabled": _flag(row.get("password_enabled")),
                "password_last_used": times["password_last_used"],
                "password_last_changed": times["password_last_changed"],
                "access_key_1_active": _flag(row.get("access_key_1_active")),
                "access_key_1_last_rotated": times["access_key_1_last_rotated"],
                "access_key_1_last_used": times["access_key_1_last_used_date"],
                "access_key_2_active": _flag(row.get("access_key_2_active")),
                "access_key_2_last_rotated": times["access_key_2_last_rotated"],
                "access_key_2_last_used": times["access_key_2_last_used_date"],
            }
        )
    return Transformed({AWS_USER_CREDENTIAL_REPORT: out}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account = scope.owner
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account), transform, SCHEMAS, cleanup=False)


MODULE = Module("aws", "iam.credential_report", sync, SCHEMAS)
