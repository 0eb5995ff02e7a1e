"""Compute Engine instances (``compute.googleapis.com/Instance``) with their network interfaces.

External addresses are the NICs' ``accessConfigs[].natIP``; the first one is Cartography's ``public_ip``,
all of them are ``public_ips`` (ours). The first service account is the one the VM runs as (GCE allows one).
"""

from __future__ import annotations

from typing import Any

from graph.schema.gcp.compute import GCP_INSTANCE, GCP_NETWORK_INTERFACE
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
from ingest.gcp.network_tags import INSTANCE, instance_tags, tag_id
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _nics(instance_id: str, data: dict[str, Any], project_number: str | None) -> list[dict[str, Any]]:
    rows = []
    for nic in data.get("networkInterfaces") or []:
        nat = [ac for ac in nic.get("accessConfigs") or [] if ac.get("natIP")]
        rows.append(
            {
                "id": f"{instance_id}/networkinterfaces/{nic['name']}",
                "name": nic["name"],
                "instance_id": instance_id,
                "private_ip": nic.get("networkIP"),
                "public_ip": nat[0]["natIP"] if nat else None,
                "network_tier": nat[0].get("networkTier") if nat else None,
                "subnet_partial_uri": partial_uri(nic.get("subnetwork")),
                "vpc_partial_uri": partial_uri(nic.get("network")),
                "project_number": project_number,
            }
        )
    return rows


def _instance(asset: Asset, data: dict[str, Any], scope: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    env = envelope(asset, scope)
    instance_id = partial_uri(asset["name"]) or asset["name"]
    nics = _nics(instance_id, data, env["project_number"])
    accounts = data.get("serviceAccounts") or []
    row = {
        **env,
        "id": instance_id,
        "self_link": data.get("selfLink"),
        "name": data["name"],
        "hostname": data.get("hostname"),
        "zone_name": last(data.get("zone")),
        "status": data.get("status"),
        "machine_type": last(data.get("machineType")),
        "creation_timestamp": data.get("creationTimestamp"),
        "private_ip": nics[0]["private_ip"] if nics else None,
        "public_ip": next((n["public_ip"] for n in nics if n["public_ip"]), None),
        "private_ips": [n["private_ip"] for n in nics if n["private_ip"]],
        "public_ips": [n["public_ip"] for n in nics if n["public_ip"]],
        "network_tags": list((data.get("tags") or {}).get("items") or []),
        "tag_ids": [tag_id(vpc, tag) for vpc, tag in instance_tags(data)],
        "service_account_email": accounts[0].get("email") if accounts else None,
        "service_account_scopes": list(accounts[0].get("scopes") or []) if accounts else [],
        "can_ip_forward": data.get("canIpForward"),
    }
    return row, nics


def transform(assets: list[Asset], scope: str) -> Transformed:
    errors: list[str] = []
    pairs = rows_each(assets, INSTANCE, lambda a, d: _instance(a, d, scope), errors)
    return Transformed(
        {GCP_INSTANCE: [p[0] for p in pairs], GCP_NETWORK_INTERFACE: [n for p in pairs for n in p[1]]}, errors
    )


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    owner = scope.owner
    return sync_gcp(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: read_assets(snap, owner, RESOURCE),
        lambda assets: transform(assets, owner),
        [GCP_INSTANCE, GCP_NETWORK_INTERFACE],
    )


MODULE = Module("gcp", "instances", sync, all_variants(GCP_INSTANCE, GCP_NETWORK_INTERFACE))
