"""EBS volumes of one region (``aws ec2 describe-volumes``), ATTACHED_TO their instances."""

from __future__ import annotations

from functools import partial
from typing import Any

from graph.schema.aws.ebs_volume import EBS_VOLUME
from ingest.aws.regional import partition, read_listing, sync_aws, tag, tags_json
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    return read_listing(snap, account, region, "ec2", "describe-volumes", "Volumes")


def _row(v: dict[str, Any], account: str, region: str) -> dict[str, Any]:
    attachments = v.get("Attachments", [])
    return {
        "id": v["VolumeId"],
        "arn": f"arn:{partition(region)}:ec2:{region}:{account}:volume/{v['VolumeId']}",
        "availabilityzone": v.get("AvailabilityZone"),
        "createtime": v.get("CreateTime"),
        "encrypted": v.get("Encrypted"),
        "size": v.get("Size"),
        "state": v.get("State"),
        "outpostarn": v.get("OutpostArn"),
        "snapshotid": v.get("SnapshotId") or None,
        "iops": v.get("Iops"),
        "fastrestored": v.get("FastRestored"),
        "multiattachenabled": v.get("MultiAttachEnabled"),
        "type": v.get("VolumeType"),
        "kmskeyid": v.get("KmsKeyId"),
        "name": tag(v.get("Tags"), "Name"),
        "tags": tags_json(v.get("Tags")),
        # Multi-attach volumes have several attachments; the flag is per attachment, keep "any".
        "deleteontermination": any(a.get("DeleteOnTermination") for a in attachments)
        if attachments
        else None,
        "instance_ids": [a["InstanceId"] for a in attachments if a.get("InstanceId")],
    }


def transform(raw: dict[str, Any], account: str, region: str) -> Transformed:
    return Transformed({EBS_VOLUME: [_row(v, account, region) for v in raw["Volumes"]]})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, account, region),
        partial(transform, account=account, region=region),
        [EBS_VOLUME],
    )


MODULE = Module("aws", "ebs_volume", sync, (EBS_VOLUME,), regional=True)
