"""Network ACLs of one region (``aws ec2 describe-network-acls``): the ACLs, their entries, subnet links."""

from __future__ import annotations

from functools import partial
from typing import Any

from graph.schema.aws.network_acl import (
    EC2_NETWORK_ACL,
    EC2_NETWORK_ACL_RULE_EGRESS,
    EC2_NETWORK_ACL_RULE_INBOUND,
)
from ingest.aws.regional import partition, read_listing, sync_aws, tag
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

SCHEMAS = (EC2_NETWORK_ACL, EC2_NETWORK_ACL_RULE_INBOUND, EC2_NETWORK_ACL_RULE_EGRESS)


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    return read_listing(snap, account, region, "ec2", "describe-network-acls", "NetworkAcls")


def _rule(acl_id: str, acl_arn: str, entry: dict[str, Any]) -> dict[str, Any]:
    direction = "egress" if entry["Egress"] else "inbound"
    ports = entry.get("PortRange") or {}
    return {
        # Cartography's id: one entry per (ACL, direction, rule number) — AWS enforces that uniqueness.
        "id": f"{acl_id}/{direction}/{entry['RuleNumber']}",
        "network_acl_id": acl_id,
        "network_acl_arn": acl_arn,
        "protocol": entry.get("Protocol"),
        "fromport": ports.get("From"),
        "toport": ports.get("To"),
        "cidrblock": entry.get("CidrBlock"),
        "ipv6cidrblock": entry.get("Ipv6CidrBlock"),
        "egress": entry["Egress"],
        "rulenumber": entry["RuleNumber"],
        "ruleaction": entry.get("RuleAction"),
    }


def transform(raw: dict[str, Any], account: str, region: str) -> Transformed:
    acls: list[dict[str, Any]] = []
    inbound: list[dict[str, Any]] = []
    egress: list[dict[str, Any]] = []
    for acl in raw["NetworkAcls"]:
        acl_id = acl["NetworkAclId"]
        arn = f"arn:{partition(region)}:ec2:{region}:{account}:network-acl/{acl_id}"
        acls.append(
            {
                "id": arn,
                "network_acl_id": acl_id,
                "is_default": acl.get("IsDefault"),
                "vpc_id": acl.get("VpcId"),
                "name": tag(acl.get("Tags"), "Name"),
                "subnet_ids": [a["SubnetId"] for a in acl.get("Associations", []) if a.get("SubnetId")],
            }
        )
        for entry in acl.get("Entries", []):
            (egress if entry["Egress"] else inbound).append(_rule(acl_id, arn, entry))
    return Transformed(
        {EC2_NETWORK_ACL: acls, EC2_NETWORK_ACL_RULE_INBOUND: inbound, EC2_NETWORK_ACL_RULE_EGRESS: egress}
    )


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, account, region),
        partial(transform, account=account, region=region),
        SCHEMAS,
    )


MODULE = Module("aws", "network_acl", sync, SCHEMAS, regional=True)
