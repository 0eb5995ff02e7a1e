"""IAM service accounts (``iam.googleapis.com/ServiceAccount``) and their keys (``…/ServiceAccountKey``).

Cloud Asset Inventory lists user-managed keys (the ones that can leak); ``key_type`` and
``valid_after_time`` (creation) are kept so controls can flag old or unexpected keys.
"""

from __future__ import annotations

from typing import Any

from graph.schema.gcp.iam import GCP_SERVICE_ACCOUNT, GCP_SERVICE_ACCOUNT_KEY
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.gcp.common import RESOURCE, Asset, all_variants, envelope, read_assets, rows_each, sync_gcp
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _account(asset: Asset, data: dict[str, Any], scope: str) -> dict[str, Any]:
    return {
        **envelope(asset, scope),
        # Cartography's id is the stable numeric uniqueId (an email can be reused after deletion).
        "id": str(data["uniqueId"]),
        "email": data["email"],
        "name": data.get("name"),
        "display_name": data.get("displayName"),
        "oauth2_client_id": data.get("oauth2ClientId"),
        "disabled": bool(data.get("disabled", False)),
        "project_id": data.get("projectId") or envelope(asset, scope)["project_id"],
    }


def _key(asset: Asset, data: dict[str, Any], scope: str) -> dict[str, Any]:
    # data.name: projects/<p>/serviceAccounts/<email>/keys/<key id>
    name = data.get("name") or asset["name"].split("//iam.googleapis.com/", 1)[-1]
    parts = name.split("/")
    email = parts[parts.index("serviceAccounts") + 1]
    return {
        **envelope(asset, scope),
        "id": name,
        "service_account_email": email if "@" in email else None,
        "key_type": data.get("keyType"),
        "key_origin": data.get("keyOrigin"),
        "key_algorithm": data.get("keyAlgorithm"),
        "valid_after_time": data.get("validAfterTime"),
        "valid_before_time": data.get("validBeforeTime"),
        "disabled": bool(data.get("disabled", False)),
    }


def transform(assets: list[Asset], scope: str) -> Transformed:
    errors: list[str] = []
    accounts = rows_each(
        assets, "iam.googleapis.com/ServiceAccount", lambda a, d: _account(a, d, scope), errors
    )
    keys = rows_each(assets, "iam.googleapis.com/ServiceAccountKey", lambda a, d: _key(a, d, scope), errors)
    return Transformed({GCP_SERVICE_ACCOUNT: accounts, GCP_SERVICE_ACCOUNT_KEY: keys}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_assets(snap, owner, RESOURCE),
        lambda assets: transform(assets, owner),
        [GCP_SERVICE_ACCOUNT, GCP_SERVICE_ACCOUNT_KEY],
    )


MODULE = Module("gcp", "service_accounts", sync, all_variants(GCP_SERVICE_ACCOUNT, GCP_SERVICE_ACCOUNT_KEY))
