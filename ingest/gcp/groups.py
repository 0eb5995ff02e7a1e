"""Cloud Identity group memberships: ``gcp/<scope>/cloudidentity/memberships/<group-email>.json``, each the
output of ``gcloud identity groups memberships list --group-email=<group-email> --format=json`` (a JSON array
of memberships: ``preferredMemberKey.id``, ``type``, ``roles``). Optional: without the folder, ``group:``
members stay principals of their own and no user inherits their grants (analysis says so).
"""

from __future__ import annotations

from typing import Any

from graph.schema.gcp.groups import GCP_GROUP
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.gcp.common import sync_gcp
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, scope: str) -> dict[str, Any] | None:
    return snap.gcp_folder(scope, "cloudidentity", "memberships")


def transform(raw: dict[str, Any], scope: str) -> Transformed:
    rows, errors = [], []
    for group, memberships in sorted(raw.items()):
        try:
            if not isinstance(memberships, list):
                raise TypeError("expected a JSON array of memberships")
            members = [(m["preferredMemberKey"]["id"], m.get("type") or "") for m in memberships]
            rows.append(
                {
                    "id": group,
                    "members": [email for email, _ in members],
                    "member_kinds": [kind for _, kind in members],
                }
            )
        except (KeyError, TypeError, AttributeError) as exc:
            errors.append(f"cloudidentity/memberships/{group}.json: {type(exc).__name__}: {exc}")
    return Transformed({GCP_GROUP.pick(scope): rows}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, owner),
        lambda raw: transform(raw, owner),
        [GCP_GROUP.pick(owner)],
    )


MODULE = Module("gcp", "groups", sync, GCP_GROUP.both)
