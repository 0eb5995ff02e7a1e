"""The live collector prints boto3 responses exactly as ``aws … --output json`` does (AWS CLI v2).

Pure Python with botocore's Stubber (no network): datetime and blob formatting, ResponseMetadata removal,
the CLI's page merge, and the per-call file rules (absent configuration → ``{}``, denied → no file).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import boto3
import pytest
from botocore.client import BaseClient
from botocore.stub import Stubber
from botocore.utils import parse_timestamp
from dateutil.tz import tzutc

from ingest.aws.collect.caller import AccountCollector
from ingest.aws.collect.report import CollectReport, classify
from ingest.aws.collect.serialize import cli_json, merge_pages
from ingest.sources.botocore_shapes import convert

T0 = dt.datetime(2026, 11, 20, 8, 12, 44, tzinfo=tzutc())


def _client(service: str) -> BaseClient:
    session = boto3.Session(aws_access_key_id="x", aws_secret_access_key="y")
    return session.client(service, region_name="us-east-1")


def test_datetimes_print_as_the_cli_iso8601() -> None:
    body = {"CreateTime": T0, "ResponseMetadata": {"RequestId": "r"}}
    assert json.loads(cli_json(body)) == {"CreateTime": "2026-11-20T08:12:44+00:00"}
    # The CLI's own conversion (scalarparse.iso_format) of the wire value gives the same string.
    assert parse_timestamp("2026-11-20T08:12:44.000Z").isoformat() == "2026-11-20T08:12:44+00:00"
    with_micro = T0.replace(microsecond=284714)
    assert json.loads(cli_json({"T": with_micro}))["T"] == "2026-11-20T08:12:44.284714+00:00"


def test_layout_blobs_and_metadata() -> None:
    text = cli_json({"B": "é", "A": b"\x00\xffhi", "ResponseMetadata": {"HTTPStatusCode": 200}})
    # indent=4, keys in response order, non-ASCII kept, blob base64, trailing newline, no metadata.
    assert text == '{\n    "B": "é",\n    "A": "AP9oaQ=="\n}\n'


def test_cli_json_round_trips_through_the_offline_reader() -> None:
    body = {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "IsDefault": False}]}
    vols = {"Volumes": [{"VolumeId": "vol-1", "CreateTime": T0, "Size": 8}]}
    assert convert("ec2", "describe-vpcs", json.loads(cli_json(body)), "x") == body
    assert convert("ec2", "describe-volumes", json.loads(cli_json(vols)), "x") == vols


def test_pages_merge_like_the_cli() -> None:
    ec2 = _client("ec2")
    with Stubber(ec2) as stub:
        stub.add_response("describe_vpcs", {"Vpcs": [{"VpcId": "vpc-1"}], "NextToken": "t1"})
        stub.add_response(
            "describe_vpcs", {"Vpcs": [{"VpcId": "vpc-2"}], "NextToken": "t2"}, {"NextToken": "t1"}
        )
        stub.add_response("describe_vpcs", {"Vpcs": [{"VpcId": "vpc-3"}]}, {"NextToken": "t2"})
        merged = merge_pages(ec2.get_paginator("describe_vpcs").paginate())
    assert merged == {"Vpcs": [{"VpcId": "vpc-1"}, {"VpcId": "vpc-2"}, {"VpcId": "vpc-3"}]}


def test_multi_key_pages_drop_markers_and_keep_first_page_extras() -> None:
    iam = _client("iam")
    page1 = {
        "UserDetailList": [{"UserName": "a"}],
        "RoleDetailList": [],
        "Policies": [],
        "IsTruncated": True,
        "Marker": "m1",
    }
    page2 = {
        "UserDetailList": [{"UserName": "b"}],
        "RoleDetailList": [{"RoleName": "r"}],
        "GroupDetailList": [{"GroupName": "g"}],
        "IsTruncated": False,
    }
    with Stubber(iam) as stub:
        stub.add_response("get_account_authorization_details", page1)
        stub.add_response("get_account_authorization_details", page2, {"Marker": "m1"})
        merged = merge_pages(iam.get_paginator("get_account_authorization_details").paginate())
    assert merged == {
        "UserDetailList": [{"UserName": "a"}, {"UserName": "b"}],
        "RoleDetailList": [{"RoleName": "r"}],
        "Policies": [],
        "GroupDetailList": [{"GroupName": "g"}],
    }


def _collector(tmp_path: Path, service: str) -> tuple[AccountCollector, Stubber]:
    client = _client(service)
    acct = AccountCollector("111122223333", boto3.Session(), tmp_path, CollectReport(), "us-east-1")
    acct._clients[(service, "us-east-1")] = client
    return acct, Stubber(client)


def test_absent_configuration_writes_empty_object(tmp_path: Path) -> None:
    acct, stub = _collector(tmp_path, "s3")
    with stub:
        stub.add_client_error("get_bucket_policy", "NoSuchBucketPolicy", http_status_code=404)
        acct.call(
            "global",
            "s3api",
            "get-bucket-policy",
            {"Bucket": "bkt"},
            resource="bkt",
            absent={"NoSuchBucketPolicy": {}},
        )
    path = tmp_path / "global/s3api/get-bucket-policy/bkt.json"
    assert path.read_text() == "{}\n"
    assert convert("s3api", "get-bucket-policy", json.loads(path.read_text()), str(path)) == {}
    assert acct.report.errors == []


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("AccessDenied", 403, "denied"),
        ("UnauthorizedOperation", 403, "denied"),
        ("Throttling", 400, "throttled"),
        ("InternalError", 500, "error"),
    ],
)
def test_failed_call_writes_nothing_and_is_reported(
    tmp_path: Path,
    code: str,
    status: int,
    kind: str,
) -> None:
    acct, stub = _collector(tmp_path, "s3")
    with stub:
        stub.add_client_error("get_bucket_policy", code, http_status_code=status)
        out = acct.call(
            "global",
            "s3api",
            "get-bucket-policy",
            {"Bucket": "bkt"},
            resource="bkt",
            absent={"NoSuchBucketPolicy": {}},
        )
    assert out is None
    assert not (tmp_path / "global/s3api/get-bucket-policy/bkt.json").exists()
    [error] = acct.report.errors
    assert (error.service, error.command, error.resource, error.code, error.kind) == (
        "s3api",
        "get-bucket-policy",
        "bkt",
        code,
        kind,
    )
    assert acct.report.status == "failed"  # no account recorded in this unit test; partial with one


def test_classify_timeouts_as_unreachable() -> None:
    from botocore.exceptions import ConnectTimeoutError

    assert classify(ConnectTimeoutError(endpoint_url="https://ec2.x"))[1] == "unreachable"
