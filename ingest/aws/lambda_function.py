"""Lambda functions (list-functions) with their function URL (list-function-url-configs/<function>.json).

A function without its URL file keeps its previous URL properties (not collected); an unreadable URL file
is reported by path and the module ends ``partial``.
"""

from __future__ import annotations

from typing import Any

from graph.schema.aws.lambda_function import AWS_LAMBDA, AWS_LAMBDA_URL
from ingest.aws.regional import sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

SCHEMAS = (AWS_LAMBDA, AWS_LAMBDA_URL)
_COPIED = {
    "arn": "FunctionArn",
    "name": "FunctionName",
    "modifieddate": "LastModified",
    "runtime": "Runtime",
    "description": "Description",
    "timeout": "Timeout",
    "memory": "MemorySize",
    "codesize": "CodeSize",
    "handler": "Handler",
    "version": "Version",
    "revisionid": "RevisionId",
    "packagetype": "PackageType",
    "codesha256": "CodeSha256",
    "architectures": "Architectures",
    "kmskeyarn": "KMSKeyArn",
    "role": "Role",
}


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    listing = snap.aws(account, region, "lambda", "list-functions")
    if listing is None:
        return None
    urls, errors = {}, []
    for fn in listing.get("Functions") or []:
        try:
            found = snap.aws(account, region, "lambda", "list-function-url-configs", fn["FunctionName"])
        except InputError as exc:
            errors.append(str(exc))
            continue
        if found is not None:
            urls[fn["FunctionName"]] = found
    return {"functions": listing.get("Functions") or [], "urls": urls, "errors": errors}


def transform(raw: dict[str, Any]) -> Transformed:
    out = Transformed({schema: [] for schema in SCHEMAS}, list(raw["errors"]))
    for fn in raw["functions"]:
        row = {prop: fn.get(key) for prop, key in _COPIED.items()}
        row.update(id=fn["FunctionArn"], tracingconfigmode=(fn.get("TracingConfig") or {}).get("Mode"))
        out.rows[AWS_LAMBDA].append(row)
        urls = raw["urls"].get(fn["FunctionName"])
        if urls is None:
            continue  # not collected: the function keeps its previous URL properties
        # The unqualified function's own URL config (an alias may have another); none → no URL.
        configs = urls.get("FunctionUrlConfigs") or []
        config = next(
            (c for c in configs if c.get("FunctionArn") == fn["FunctionArn"]), configs[0] if configs else {}
        )
        out.rows[AWS_LAMBDA_URL].append(
            {
                "id": fn["FunctionArn"],
                "function_url": config.get("FunctionUrl"),
                "function_url_auth_type": config.get("AuthType"),
                "function_url_invoke_mode": config.get("InvokeMode"),
            }
        )
    return out


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account, region), transform, SCHEMAS)


MODULE = Module("aws", "lambda", sync, SCHEMAS, regional=True)
