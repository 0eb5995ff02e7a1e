"""Network interfaces of one region (``aws ec2 describe-network-interfaces``)."""

from __future__ import annotations

from typing import Any

from graph.schema.aws.network_interface import NETWORK_INTERFACE
from ingest.aws.regional import read_listing, sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    return read_listing(snap, account, region, "ec2", "describe-network-interfaces", "NetworkInterfaces")


def _row(eni: dict[str, Any]) -> dict[str, Any]:
    attachment = eni.get("Attachment") or {}
    privates = eni.get("PrivateIpAddresses", [])
    # Secondary private IPs can each carry their own public (elastic) IP.
    publics = [p["Association"]["PublicIp"] for p in privates if (p.get("Association") or {}).get("PublicIp")]
    return {
        "id": eni["NetworkInterfaceId"],
        "description": eni.get("Description"),
        "mac_address": eni.get("MacAddress"),
        "private_dns_name": eni.get("PrivateDnsName"),
        "private_ip_address": eni.get("PrivateIpAddress"),
        "public_ip": (eni.get("Association") or {}).get("PublicIp"),
        "interface_type": eni.get("InterfaceType"),
        "requester_id": eni.get("RequesterId"),
        "requester_managed": eni.get("RequesterManaged"),
        "source_dest_check": eni.get("SourceDestCheck"),
        "status": eni.get("Status"),
        "subnet_id": eni.get("SubnetId"),
        "vpc_id": eni.get("VpcId"),
        "attach_time": attachment.get("AttachTime"),
        "device_index": attachment.get("DeviceIndex"),
        "instance_id": attachment.get("InstanceId"),
        "private_ip_addresses": [p["PrivateIpAddress"] for p in privates if p.get("PrivateIpAddress")],
        "public_ips": publics,
        "ipv6_addresses": [a["Ipv6Address"] for a in eni.get("Ipv6Addresses", []) if a.get("Ipv6Address")],
        "security_group_ids": [g["GroupId"] for g in eni.get("Groups", []) if g.get("GroupId")],
    }


def transform(raw: dict[str, Any]) -> Transformed:
    return Transformed({NETWORK_INTERFACE: [_row(eni) for eni in raw["NetworkInterfaces"]]})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, account, region),
        transform,
        [NETWORK_INTERFACE],
    )


MODULE = Module("aws", "network_interface", sync, (NETWORK_INTERFACE,), regional=True)
