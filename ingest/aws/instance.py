"""EC2 instances of one region (``aws ec2 describe-instances``): reservations and instances.

Links to subnet, security groups, reservation, instance profile (loaded by IAM, matched on its ARN) and
EKS cluster (from the ``eks:cluster-name`` tag). Exposure is computed by analysis, not here.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from graph.schema.aws.instance import EC2_INSTANCE, EC2_RESERVATION
from ingest.aws.regional import partition, read_listing, sync_aws, tag, tags_json
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

SCHEMAS = (EC2_RESERVATION, EC2_INSTANCE)


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    return read_listing(snap, account, region, "ec2", "describe-instances", "Reservations")


def _instance(i: dict[str, Any], reservation_id: str, account: str, region: str) -> dict[str, Any]:
    iid = i["InstanceId"]
    launch = i.get("LaunchTime")
    metadata = i.get("MetadataOptions") or {}
    tokens = metadata.get("HttpTokens")
    eks = tag(i.get("Tags"), "eks:cluster-name")
    ipv6 = next(
        (
            a.get("Ipv6Address")
            for eni in i.get("NetworkInterfaces", [])
            for a in eni.get("Ipv6Addresses", [])
            if a.get("IsPrimaryIpv6")
        ),
        None,
    )
    return {
        "id": iid,
        "reservationid": reservation_id,
        "arn": f"arn:{partition(region)}:ec2:{region}:{account}:instance/{iid}",
        "publicdnsname": i.get("PublicDnsName") or None,
        "privatednsname": i.get("PrivateDnsName") or None,
        "privateipaddress": i.get("PrivateIpAddress"),
        "publicipaddress": i.get("PublicIpAddress"),
        "imageid": i.get("ImageId"),
        "instancetype": i.get("InstanceType"),
        "monitoringstate": (i.get("Monitoring") or {}).get("State"),
        "state": (i.get("State") or {}).get("Name"),
        "launchtime": launch,
        "launchtimeunix": int(launch.timestamp()) if launch else None,
        "iaminstanceprofile": (i.get("IamInstanceProfile") or {}).get("Arn"),
        "availabilityzone": (i.get("Placement") or {}).get("AvailabilityZone"),
        "tenancy": (i.get("Placement") or {}).get("Tenancy"),
        "platform": i.get("Platform"),
        "architecture": i.get("Architecture"),
        "ebsoptimized": i.get("EbsOptimized"),
        "instancelifecycle": i.get("InstanceLifecycle"),
        "metadatahttptokens": tokens,
        "metadatahttpputresponsehoplimit": metadata.get("HttpPutResponseHopLimit"),
        "metadatahttpendpoint": metadata.get("HttpEndpoint"),
        # IMDSv1 answers unless tokens are required or the endpoint is off (as Cartography derives).
        "imdsv2required": tokens == "required" if tokens else None,
        "imdsv1enabled": (tokens == "optional" and metadata.get("HttpEndpoint") != "disabled")
        if tokens
        else None,
        "eks_cluster_name": eks,
        "ipv6address": ipv6,
        "subnetid": i.get("SubnetId"),
        "vpcid": i.get("VpcId"),
        "keyname": i.get("KeyName"),
        "name": tag(i.get("Tags"), "Name"),
        "tags": tags_json(i.get("Tags")),
        "eks_cluster_arn": f"arn:{partition(region)}:eks:{region}:{account}:cluster/{eks}" if eks else None,
        "security_group_ids": [g["GroupId"] for g in i.get("SecurityGroups", []) if g.get("GroupId")],
    }


def transform(raw: dict[str, Any], account: str, region: str) -> Transformed:
    reservations, instances = [], []
    for r in raw["Reservations"]:
        rid = r["ReservationId"]
        reservations.append({"id": rid, "ownerid": r.get("OwnerId"), "requesterid": r.get("RequesterId")})
        instances += [_instance(i, rid, account, region) for i in r.get("Instances", [])]
    return Transformed({EC2_RESERVATION: reservations, EC2_INSTANCE: instances})


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


MODULE = Module("aws", "instance", sync, SCHEMAS, regional=True)
