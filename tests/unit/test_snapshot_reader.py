"""The offline reader: boto3-equivalent types, and bad input named by file and field."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from config import set_settings
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

ACCOUNT = "111122223333"


def _write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


INSTANCES = {
    "Reservations": [
        {
            "ReservationId": "r-0123456789abcdef0",
            "OwnerId": ACCOUNT,
            "Groups": [],
            "Instances": [
                {
                    "InstanceId": "i-0abc",
                    "LaunchTime": "2026-11-20T08:12:44+00:00",
                    "State": {"Code": 16, "Name": "running"},
                    "EbsOptimized": False,
                }
            ],
        }
    ]
}


def test_timestamps_become_datetimes_like_boto3(tmp_path: Path) -> None:
    _write(tmp_path, f"aws/{ACCOUNT}/us-east-1/ec2/describe-instances.json", json.dumps(INSTANCES))
    data = Snapshot(tmp_path).aws(ACCOUNT, "us-east-1", "ec2", "describe-instances")
    inst = data["Reservations"][0]["Instances"][0]
    assert isinstance(inst["LaunchTime"], datetime) and inst["LaunchTime"].tzinfo is not None
    assert inst["State"] == {"Code": 16, "Name": "running"}


def test_missing_file_is_not_collected(tmp_path: Path) -> None:
    (tmp_path / "aws" / ACCOUNT / "us-east-1").mkdir(parents=True)
    assert Snapshot(tmp_path).aws(ACCOUNT, "us-east-1", "ec2", "describe-instances") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"Reservations": [{"Instances": [', "invalid JSON"),
        ("", "empty file"),
        (b"\xff\xfe{}", "not UTF-8"),
        ('["not", "an", "object"]', "expected a JSON object"),
    ],
)
def test_unreadable_files_name_the_file(tmp_path: Path, content: str | bytes, message: str) -> None:
    path = _write(tmp_path, f"aws/{ACCOUNT}/us-east-1/ec2/describe-instances.json", content)
    with pytest.raises(InputError) as err:
        Snapshot(tmp_path).aws(ACCOUNT, "us-east-1", "ec2", "describe-instances")
    assert str(path) in str(err.value) and message in str(err.value)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.update(Reservations={"not": "a list"}), "Reservations"),
        (
            lambda d: d["Reservations"][0]["Instances"][0].update(LaunchTime="yesterday"),
            "Reservations[0].Instances[0].LaunchTime",
        ),
        (
            lambda d: d["Reservations"][0]["Instances"][0].update(EbsOptimized="no"),
            "Reservations[0].Instances[0].EbsOptimized",
        ),
        (
            lambda d: d["Reservations"][0]["Instances"][0]["State"].update(Code="16"),
            "Reservations[0].Instances[0].State.Code",
        ),
    ],
)
def test_wrong_types_name_the_field(tmp_path: Path, mutate, field: str) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(json.dumps(INSTANCES))
    mutate(data)
    _write(tmp_path, f"aws/{ACCOUNT}/us-east-1/ec2/describe-instances.json", json.dumps(data))
    with pytest.raises(InputError) as err:
        Snapshot(tmp_path).aws(ACCOUNT, "us-east-1", "ec2", "describe-instances")
    assert err.value.field == field


def test_huge_file_is_refused_with_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INVGRAPH_MAX_INPUT_BYTES", "1024")
    set_settings(None)
    _write(
        tmp_path,
        f"aws/{ACCOUNT}/us-east-1/ec2/describe-instances.json",
        json.dumps({"Reservations": [INSTANCES["Reservations"][0]] * 50}),
    )
    try:
        with pytest.raises(InputError, match="over the limit of 1024"):
            Snapshot(tmp_path).aws(ACCOUNT, "us-east-1", "ec2", "describe-instances")
    finally:
        monkeypatch.undo()
        set_settings(None)


def test_per_resource_names_with_odd_characters(tmp_path: Path) -> None:
    name = "weird.bucket-ünï cödé"
    _write(
        tmp_path, f"aws/{ACCOUNT}/global/s3api/get-bucket-policy/{name}.json", json.dumps({"Policy": "{}"})
    )
    snap = Snapshot(tmp_path)
    assert snap.aws_resources(ACCOUNT, "global", "s3api", "get-bucket-policy") == [name]
    assert snap.aws(ACCOUNT, "global", "s3api", "get-bucket-policy", name) == {"Policy": "{}"}


def test_iam_policy_documents_stay_decoded(tmp_path: Path) -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    body = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "Policies": [],
        "RoleDetailList": [
            {
                "RoleName": "r",
                "RoleId": "AROA1",
                "Arn": f"arn:aws:iam::{ACCOUNT}:role/r",
                "Path": "/",
                "CreateDate": "2026-01-01T00:00:00+00:00",
                "AssumeRolePolicyDocument": doc,
                "InstanceProfileList": [],
                "RolePolicyList": [],
                "AttachedManagedPolicies": [],
                "Tags": [],
            }
        ],
    }
    _write(tmp_path, f"aws/{ACCOUNT}/global/iam/get-account-authorization-details.json", json.dumps(body))
    out = Snapshot(tmp_path).aws(ACCOUNT, "global", "iam", "get-account-authorization-details")
    assert out["RoleDetailList"][0]["AssumeRolePolicyDocument"] == doc


def test_kubectl_list_shape_is_checked(tmp_path: Path) -> None:
    _write(tmp_path, "k8s/prod/pods.json", json.dumps({"kind": "List", "items": [{"metadata": {}}]}))
    with pytest.raises(InputError) as err:
        Snapshot(tmp_path).k8s("prod", "pods")
    assert err.value.field == "items[0].metadata.name"


def test_unclaimed_files_are_reported(tmp_path: Path) -> None:
    _write(tmp_path, f"aws/{ACCOUNT}/us-east-1/ec2/describe-instances.json", json.dumps(INSTANCES))
    _write(tmp_path, f"aws/{ACCOUNT}/us-east-1/ec2/notes.txt", "hello")
    snap = Snapshot(tmp_path)
    snap.aws(ACCOUNT, "us-east-1", "ec2", "describe-instances")
    assert [p.name for p in snap.unclaimed()] == ["notes.txt"]


def test_collected_at_from_snapshot_json(tmp_path: Path) -> None:
    _write(tmp_path, "snapshot.json", json.dumps({"collected_at": "2026-11-20T06:00:00Z"}))
    assert Snapshot(tmp_path).collected_at.isoformat() == "2026-11-20T06:00:00+00:00"
    _write(tmp_path, "snapshot.json", json.dumps({"collected_at": 5}))
    with pytest.raises(InputError) as err:
        Snapshot(tmp_path)
    assert err.value.field == "collected_at"


def test_listing_without_its_list_key_is_refused_not_read_as_empty(tmp_path: Path) -> None:
    # One subnet object saved as describe-subnets.json must not read as "no subnets" (cleanup would
    # then delete every subnet of the region).
    _write(
        tmp_path,
        f"aws/{ACCOUNT}/us-east-1/ec2/describe-subnets.json",
        json.dumps({"SubnetId": "subnet-1", "VpcId": "vpc-1"}),
    )
    with pytest.raises(InputError, match="none of the keys"):
        Snapshot(tmp_path).aws(ACCOUNT, "us-east-1", "ec2", "describe-subnets")
    _write(tmp_path, f"aws/{ACCOUNT}/us-east-1/ec2/describe-subnets.json", "{}")
    with pytest.raises(InputError) as err:
        Snapshot(tmp_path).aws(ACCOUNT, "us-east-1", "ec2", "describe-subnets")
    assert err.value.field == "Subnets"
    _write(tmp_path, f"aws/{ACCOUNT}/us-east-1/ec2/describe-subnets.json", '{"Subnets": []}')
    assert Snapshot(tmp_path).aws(ACCOUNT, "us-east-1", "ec2", "describe-subnets") == {"Subnets": []}


def test_get_call_with_empty_object_means_none_configured(tmp_path: Path) -> None:
    _write(tmp_path, f"aws/{ACCOUNT}/global/s3api/get-bucket-policy/b.json", "{}")
    assert Snapshot(tmp_path).aws(ACCOUNT, "global", "s3api", "get-bucket-policy", "b") == {}
