"""GCPNetworkTag nodes: one per (VPC, tag) used by an instance or named as a firewall target.

A single module owns the tag nodes, fed by both instances and firewall rules, so neither sweeps tags the
other still uses. Id (Cartography): ``<vpc partial uri>/tags/<tag>`` — a tag only means something in a VPC.
"""

from __future__ import annotations

from typing import Any

from graph.schema.gcp.compute import GCP_NETWORK_TAG
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

INSTANCE, FIREWALL = "compute.googleapis.com/Instance", "compute.googleapis.com/Firewall"


def tag_id(vpc: str | None, tag: str) -> str:
    return f"{vpc}/tags/{tag}"


def instance_tags(data: dict[str, Any]) -> list[tuple[str | None, str]]:
    """(vpc partial uri, tag) for each NIC's network × each network tag of the instance."""
    tags = (data.get("tags") or {}).get("items") or []
    vpcs = {partial_uri(nic.get("network")) for nic in data.get("networkInterfaces") or []}
    return [(vpc, tag) for vpc in sorted(v for v in vpcs if v) for tag in tags]


def _rows(asset: Asset, pairs: list[tuple[str | None, str]], scope: str) -> list[dict[str, Any]]:
    env = envelope(asset, scope)
    return [
        {
            "id": tag_id(vpc, tag),
            "value": tag,
            "vpc_partial_uri": vpc,
            "project_id": env["project_id"],
            "project_number": env["project_number"],
        }
        for vpc, tag in pairs
        if vpc
    ]


def transform(assets: list[Asset], scope: str) -> Transformed:
    errors: list[str] = []
    found = rows_each(assets, INSTANCE, lambda a, d: _rows(a, instance_tags(d), scope), errors)
    found += rows_each(
        assets,
        FIREWALL,
        lambda a, d: _rows(a, [(partial_uri(d.get("network")), t) for t in d.get("targetTags") or []], scope),
        errors,
    )
    unique = {row["id"]: row for rows in found for row in rows}
    return Transformed({GCP_NETWORK_TAG: list(unique.values())}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_assets(snap, owner, RESOURCE),
        lambda assets: transform(assets, owner),
        [GCP_NETWORK_TAG],
    )


MODULE = Module("gcp", "network_tags", sync, all_variants(GCP_NETWORK_TAG))
