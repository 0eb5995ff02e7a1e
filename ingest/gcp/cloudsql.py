"""Cloud SQL instances (``sqladmin.googleapis.com/Instance``): GCPCloudSQLInstance, id = selfLink.

``ipv4_enabled`` with a PRIMARY address means a public IP; ``authorized_networks`` lists the CIDRs
allowed to reach it (0.0.0.0/0 = the internet). Deviation: Cartography also makes one
GCPCloudSQLAuthorizedNetwork node per CIDR; we keep the list on the instance (docs/schema/gcp.md).
"""

from __future__ import annotations

from typing import Any

from graph.schema.gcp.data import GCP_CLOUDSQL_INSTANCE
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.gcp.common import (
    RESOURCE,
    Asset,
    all_variants,
    envelope,
    partial_uri,
    read_assets,
    rows_each,
    sync_gcp,
)
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _instance(asset: Asset, data: dict[str, Any], scope: str) -> dict[str, Any]:
    settings = data.get("settings") or {}
    ip_config = settings.get("ipConfiguration") or {}
    addresses = data.get("ipAddresses") or []
    primary = next((a.get("ipAddress") for a in addresses if a.get("type") == "PRIMARY"), None)
    path = partial_uri(asset["name"])
    return {
        **envelope(asset, scope),
        "id": data.get("selfLink") or f"https://sqladmin.googleapis.com/sql/v1beta4/{path}",
        "name": data["name"],
        "database_version": data.get("databaseVersion"),
        "region": data.get("region"),
        "gce_zone": data.get("gceZone"),
        "state": data.get("state"),
        "tier": settings.get("tier"),
        "connection_name": data.get("connectionName"),
        "backend_type": data.get("backendType"),
        "ipv4_enabled": ip_config.get("ipv4Enabled"),
        "public_ip": primary if ip_config.get("ipv4Enabled") else None,
        "ip_addresses": [f"{a.get('type')}:{a.get('ipAddress')}" for a in addresses],
        "authorized_networks": [n["value"] for n in ip_config.get("authorizedNetworks") or []],
        "require_ssl": ip_config.get("requireSsl"),
        "ssl_mode": ip_config.get("sslMode"),
        "network_id": partial_uri(ip_config.get("privateNetwork")),
        "backup_enabled": (settings.get("backupConfiguration") or {}).get("enabled"),
        "service_account_email": data.get("serviceAccountEmailAddress"),
    }


def transform(assets: list[Asset], scope: str) -> Transformed:
    errors: list[str] = []
    rows = rows_each(assets, "sqladmin.googleapis.com/Instance", lambda a, d: _instance(a, d, scope), errors)
    return Transformed({GCP_CLOUDSQL_INSTANCE: rows}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_assets(snap, owner, RESOURCE),
        lambda assets: transform(assets, owner),
        [GCP_CLOUDSQL_INSTANCE],
    )


MODULE = Module("gcp", "cloudsql", sync, all_variants(GCP_CLOUDSQL_INSTANCE))
