"""GKE clusters (``container.googleapis.com/Cluster``): GKECluster, id = selfLink (Cartography).

Exposure facts: ``endpoint`` / ``public_endpoint`` (empty private_endpoint_enabled = public control plane),
``master_authorized_networks`` (enabled?) with ``master_authorized_cidrs`` (ours), and the workload identity
pool (``<project>.svc.id.goog``) that lets Kubernetes service accounts act as GCP service accounts.
"""

from __future__ import annotations

from typing import Any

from graph.schema.gcp.data import GKE_CLUSTER
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


def _enabled(data: dict[str, Any], key: str) -> bool:
    return bool((data.get(key) or {}).get("enabled"))


def _cluster(asset: Asset, data: dict[str, Any], scope: str) -> dict[str, Any]:
    private = data.get("privateClusterConfig") or {}
    man = data.get("masterAuthorizedNetworksConfig") or {}
    pool = (data.get("workloadIdentityConfig") or {}).get("workloadPool")
    node_sas = {(p.get("config") or {}).get("serviceAccount") for p in data.get("nodePools") or []}
    node_sas.add((data.get("nodeConfig") or {}).get("serviceAccount"))
    return {
        **envelope(asset, scope),
        "id": data.get("selfLink") or f"https://container.googleapis.com/v1/{partial_uri(asset['name'])}",
        "name": data["name"],
        "description": data.get("description"),
        "location": data.get("location"),
        "zone": data.get("zone"),
        "network": data.get("network"),
        "subnetwork": data.get("subnetwork"),
        "endpoint": data.get("endpoint"),
        "status": data.get("status"),
        "current_master_version": data.get("currentMasterVersion"),
        "initial_version": data.get("initialClusterVersion"),
        "created_at": data.get("createTime"),
        "private_nodes": bool(private.get("enablePrivateNodes")),
        "private_endpoint_enabled": bool(private.get("enablePrivateEndpoint")),
        "private_endpoint": private.get("privateEndpoint"),
        "public_endpoint": private.get("publicEndpoint")
        or (None if private.get("enablePrivateEndpoint") else data.get("endpoint")),
        "master_authorized_networks": bool(man.get("enabled")),
        "master_authorized_cidrs": [c["cidrBlock"] for c in man.get("cidrBlocks") or []],
        "gcp_public_cidrs": man.get("gcpPublicCidrsAccessEnabled"),
        "workload_identity_enabled": bool(pool),
        "workload_pool": pool,
        "legacy_abac": _enabled(data, "legacyAbac"),
        "network_policy": _enabled(data, "networkPolicy"),
        "shielded_nodes": _enabled(data, "shieldedNodes"),
        "node_service_accounts": sorted(sa for sa in node_sas if sa),
    }


def transform(assets: list[Asset], scope: str) -> Transformed:
    errors: list[str] = []
    rows = rows_each(assets, "container.googleapis.com/Cluster", lambda a, d: _cluster(a, d, scope), errors)
    return Transformed({GKE_CLUSTER: rows}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_assets(snap, owner, RESOURCE),
        lambda assets: transform(assets, owner),
        [GKE_CLUSTER],
    )


MODULE = Module("gcp", "gke", sync, all_variants(GKE_CLUSTER))
