"""Security groups of one region (``aws ec2 describe-security-groups``): groups, rules, ranges, SG → SG."""

from __future__ import annotations

from typing import Any

from graph.schema.aws.security_group import (
    EC2_SECURITY_GROUP,
    EC2_SECURITY_GROUP_REFERENCES,
    IP_PERMISSION_EGRESS,
    IP_PERMISSION_INBOUND,
    IP_RANGE,
)
from ingest.aws.regional import read_listing, sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

# Groups first, then the SG → SG pass (targets exist by then), then rules, then the ranges on the rules.
SCHEMAS = (
    EC2_SECURITY_GROUP,
    EC2_SECURITY_GROUP_REFERENCES,
    IP_PERMISSION_INBOUND,
    IP_PERMISSION_EGRESS,
    IP_RANGE,
)
_DIRECTIONS = (("IpPermissions", IP_PERMISSION_INBOUND), ("IpPermissionsEgress", IP_PERMISSION_EGRESS))


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    return read_listing(snap, account, region, "ec2", "describe-security-groups", "SecurityGroups")


def _ranges(rule_id: str, perm: dict[str, Any]) -> list[dict[str, Any]]:
    # Cartography keys an IpRange by the bare CIDR, which makes one 0.0.0.0/0 node shared by every rule of
    # every account — and an account's cleanup would then delete another's. Ours is keyed per rule;
    # ``range`` holds the CIDR that queries match on. IPv6 ranges (::/0) are included; Cartography drops them.
    v4 = [(r["CidrIp"], False) for r in perm.get("IpRanges", []) if r.get("CidrIp")]
    v6 = [(r["CidrIpv6"], True) for r in perm.get("Ipv6Ranges", []) if r.get("CidrIpv6")]
    return [
        {"id": f"{rule_id}|{cidr}", "range": cidr, "ipv6": is_v6, "rule_id": rule_id}
        for cidr, is_v6 in v4 + v6
    ]


def transform(raw: dict[str, Any]) -> Transformed:
    groups: list[dict[str, Any]] = []
    rules: dict[Any, list[dict[str, Any]]] = {IP_PERMISSION_INBOUND: [], IP_PERMISSION_EGRESS: []}
    ranges: list[dict[str, Any]] = []
    for sg in raw["SecurityGroups"]:
        gid = sg["GroupId"]
        sources: set[str] = set()
        for field, schema in _DIRECTIONS:
            for perm in sg.get(field, []):
                protocol = perm.get("IpProtocol", "-1")
                from_port, to_port = perm.get("FromPort"), perm.get("ToPort")
                # Cartography's rule id, kept so ids match graphs it loaded.
                rule_id = f"{gid}/{field}/{from_port}{to_port}{protocol}"
                refs = sorted({p["GroupId"] for p in perm.get("UserIdGroupPairs", []) if p.get("GroupId")})
                sources.update(refs)
                rules[schema].append(
                    {
                        "id": rule_id,
                        "groupid": gid,
                        "protocol": protocol,
                        "fromport": from_port,
                        "toport": to_port,
                        "source_group_ids": refs,
                        "prefix_list_ids": [p["PrefixListId"] for p in perm.get("PrefixListIds", [])],
                    }
                )
                ranges += _ranges(rule_id, perm)
        groups.append(
            {
                "id": gid,
                "name": sg.get("GroupName"),
                "description": sg.get("Description"),
                "vpc_id": sg.get("VpcId"),
                "arn": sg.get("SecurityGroupArn"),
                "owner_id": sg.get("OwnerId"),
                "source_group_ids": sorted(sources),
            }
        )
    return Transformed(
        {EC2_SECURITY_GROUP: groups, EC2_SECURITY_GROUP_REFERENCES: groups, **rules, IP_RANGE: ranges}
    )


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account, region), transform, SCHEMAS)


MODULE = Module("aws", "security_group", sync, SCHEMAS, regional=True)
