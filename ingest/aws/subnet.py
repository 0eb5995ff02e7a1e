"""Subnets of one region (``aws ec2 describe-subnets``) as EC2Subnet -[:MEMBER_OF_AWS_VPC]-> AWSVpc."""

from __future__ import annotations

from typing import Any

from graph.schema.aws.subnet import EC2_SUBNET
from ingest.aws.regional import read_listing, sync_aws, tag
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    return read_listing(snap, account, region, "ec2", "describe-subnets", "Subnets")


def transform(raw: dict[str, Any]) -> Transformed:
    rows = [
        {
            "id": s["SubnetId"],
            "subnet_arn": s.get("SubnetArn"),
            "cidr_block": s.get("CidrBlock"),
            "available_ip_address_count": s.get("AvailableIpAddressCount"),
            "default_for_az": s.get("DefaultForAz"),
            "map_customer_owned_ip_on_launch": s.get("MapCustomerOwnedIpOnLaunch"),
            "state": s.get("State"),
            "assignipv6addressoncreation": s.get("AssignIpv6AddressOnCreation"),
            "map_public_ip_on_launch": s.get("MapPublicIpOnLaunch"),
            "availability_zone": s.get("AvailabilityZone"),
            "availability_zone_id": s.get("AvailabilityZoneId"),
            "vpc_id": s.get("VpcId"),
            "ipv6_cidr_blocks": [b["Ipv6CidrBlock"] for b in s.get("Ipv6CidrBlockAssociationSet", [])],
            "tag_name": tag(s.get("Tags"), "Name"),
        }
        for s in raw["Subnets"]
    ]
    return Transformed({EC2_SUBNET: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account, region), transform, [EC2_SUBNET])


MODULE = Module("aws", "subnet", sync, (EC2_SUBNET,), regional=True)
