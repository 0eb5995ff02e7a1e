"""AWS account: the owner node of everything collected for one account folder.

``inscope`` marks accounts we collected (Cartography sets it the same way); accounts only seen in trust
policies are loaded elsewhere as ``foreign``.
"""

from __future__ import annotations

from typing import Any

from graph.schema.aws.account import AWS_ACCOUNT
from ingest.aws.regional import sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, account: str) -> dict[str, Any] | None:
    if not (snap.root / "aws" / account).is_dir():
        return None
    summary = snap.aws(account, "global", "iam", "list-account-aliases")
    return {"id": account, "aliases": (summary or {}).get("AccountAliases", [])}


def transform(raw: dict[str, Any]) -> Transformed:
    name = raw["aliases"][0] if raw["aliases"] else raw["id"]
    return Transformed({AWS_ACCOUNT: [{"id": raw["id"], "name": name, "inscope": True, "foreign": False}]})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account = scope.owner
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account), transform, [AWS_ACCOUNT])


MODULE = Module("aws", "account", sync, (AWS_ACCOUNT,))
