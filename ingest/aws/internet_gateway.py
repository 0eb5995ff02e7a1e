"""Internet gateways of one region (``aws ec2 describe-internet-gateways``), ATTACHED_TO their VPCs."""

from __future__ import annotations

from functools import partial
from typing import Any

from graph.schema.aws.internet_gateway import AWS_INTERNET_GATEWAY
from ingest.aws.regional import partition, read_listing, sync_aws, tag
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    return read_listing(snap, account, region, "ec2", "describe-internet-gateways", "InternetGateways")


def transform(raw: dict[str, Any], account: str, region: str) -> Transformed:
    rows = []
    for igw in raw["InternetGateways"]:
        owner = igw.get("OwnerId") or account
        igw_id = igw["InternetGatewayId"]
        rows.append(
            {
                "id": igw["InternetGatewayId"],
                "ownerid": owner,
                "name": tag(igw.get("Tags"), "Name"),
                # The API returns no ARN; Cartography builds the same one.
                "arn": f"arn:{partition(region)}:ec2:{region}:{owner}:internet-gateway/{igw_id}",
                "vpc_ids": [a["VpcId"] for a in igw.get("Attachments", []) if a.get("VpcId")],
            }
        )
    return Transformed({AWS_INTERNET_GATEWAY: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, account, region),
        partial(transform, account=account, region=region),
        [AWS_INTERNET_GATEWAY],
    )


MODULE = Module("aws", "internet_gateway", sync, (AWS_INTERNET_GATEWAY,), regional=True)
