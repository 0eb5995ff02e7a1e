"""VPC networks (``compute.googleapis.com/Network``) and subnetworks (``…/Subnetwork``).

Ids are Cartography's partial URIs, ``projects/<p>/global/networks/<n>`` and
``projects/<p>/regions/<r>/subnetworks/<s>``: the asset name without ``//compute.googleapis.com/``.
"""

from __future__ import annotations

from typing import Any

from graph.schema.gcp.compute import GCP_SUBNET, GCP_VPC
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.gcp.common import (
    RESOURCE,
    Asset,
    all_variants,
    envelope,
    last,
    partial_uri,
    read_assets,
    rows_each,
    sync_gcp,
)
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _vpc(asset: Asset, data: dict[str, Any], scope: str) -> dict[str, Any]:
    return {
        **envelope(asset, scope),
        "id": partial_uri(asset["name"]),
        "self_link": data.get("selfLink"),
        "name": data["name"],
        "auto_create_subnetworks": data.get("autoCreateSubnetworks"),
        "routing_config_routing_mode": (data.get("routingConfig") or {}).get("routingMode"),
        "description": data.get("description"),
    }


def _subnet(asset: Asset, data: dict[str, Any], scope: str) -> dict[str, Any]:
    return {
        **envelope(asset, scope),
        "id": partial_uri(asset["name"]),
        "self_link": data.get("selfLink"),
        "name": data["name"],
        "region": last(data.get("region")),
        "gateway_address": data.get("gatewayAddress"),
        "ip_cidr_range": data.get("ipCidrRange"),
        "private_ip_google_access": data.get("privateIpGoogleAccess"),
        "purpose": data.get("purpose"),
        "flow_logs_enabled": (data.get("logConfig") or {}).get("enable"),
        "vpc_partial_uri": partial_uri(data.get("network")),
    }


def transform(assets: list[Asset], scope: str) -> Transformed:
    errors: list[str] = []
    vpcs = rows_each(assets, "compute.googleapis.com/Network", lambda a, d: _vpc(a, d, scope), errors)
    subnets = rows_each(
        assets, "compute.googleapis.com/Subnetwork", lambda a, d: _subnet(a, d, scope), errors
    )
    return Transformed({GCP_VPC: vpcs, GCP_SUBNET: subnets}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_assets(snap, owner, RESOURCE),
        lambda assets: transform(assets, owner),
        [GCP_VPC, GCP_SUBNET],
    )


MODULE = Module("gcp", "networks", sync, all_variants(GCP_VPC, GCP_SUBNET))
