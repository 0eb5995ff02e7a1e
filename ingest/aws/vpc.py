"""VPCs of one region (``aws ec2 describe-vpcs``) as AWSVpc nodes."""

from __future__ import annotations

from typing import Any

from graph.schema.aws.vpc import AWS_VPC
from ingest.aws.regional import read_listing, sync_aws, tag, tags_json
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    return read_listing(snap, account, region, "ec2", "describe-vpcs", "Vpcs")


def transform(raw: dict[str, Any]) -> Transformed:
    rows = []
    for vpc in raw["Vpcs"]:
        # Only associated blocks count: a disassociated CIDR no longer routes anything.
        v4 = [
            b["CidrBlock"]
            for b in vpc.get("CidrBlockAssociationSet", [])
            if b.get("CidrBlockState", {}).get("State", "associated") == "associated"
        ]
        v6 = [
            b["Ipv6CidrBlock"]
            for b in vpc.get("Ipv6CidrBlockAssociationSet", [])
            if b.get("Ipv6CidrBlockState", {}).get("State", "associated") == "associated"
        ]
        rows.append(
            {
                "id": vpc["VpcId"],
                "primary_cidr_block": vpc.get("CidrBlock"),
                "instance_tenancy": vpc.get("InstanceTenancy"),
                "state": vpc.get("State"),
                "is_default": vpc.get("IsDefault"),
                "dhcp_options_id": vpc.get("DhcpOptionsId"),
                "cidr_blocks": v4,
                "ipv6_cidr_blocks": v6,
                "name": tag(vpc.get("Tags"), "Name"),
                "tags": tags_json(vpc.get("Tags")),
            }
        )
    return Transformed({AWS_VPC: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account, region), transform, [AWS_VPC])


MODULE = Module("aws", "vpc", sync, (AWS_VPC,), regional=True)
