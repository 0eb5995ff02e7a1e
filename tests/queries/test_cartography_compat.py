"""The cloud controls run unchanged on a graph built by Cartography's own loaders.

The input is the hand-written day-1 snapshot's AWS CLI output (boto3 response shapes), passed through
Cartography 0.143's transform functions and loaded with its ``load_*`` functions (which call
``cartography.client.core.tx.load`` with Cartography's model classes). No invgraph ingestion code runs here.

Known Cartography gaps, asserted as such so a change is noticed: it does not load IPv6 ranges of security
group rules (so rdp-v6, ::/0, is invisible), drops trust edges to Principal "*" (anyone-role), and keeps no
trust-policy conditions (every cross-account trust is reported, ExternalId or not).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cartography.intel.aws import iam, iam_instance_profiles, rds, s3
from cartography.intel.aws.ec2 import instances, security_groups, volumes
from cartography.intel.aws.organizations import load_aws_accounts

from graph import driver
from queries.catalogue import load_catalogue
from queries.runner import EvaluationTarget, run_controls
from tests.conftest import DATA

DAY1 = DATA / "snapshots" / "handwritten" / "day1" / "aws" / "123456789012"
ACCOUNT, REGION, TAG = "123456789012", "us-east-1", 1795154400000
DATE_KEYS = {
    "CreateDate",
    "LastUsedDate",
    "LaunchTime",
    "AttachTime",
    "CreateTime",
    "InstanceCreateTime",
    "EnableDate",
    "CreationDate",
    "LatestRestorableTime",
    "PasswordLastUsed",
}
A = "arn:aws:iam::123456789012:"

EXPECTED = {
    "ec2_sg_admin_port_open_to_internet": {"sg-0b1b2b3b4b5b6b7b8"},  # rdp-v6 (::/0) not loaded by Cartography
    "ec2_sg_database_port_open_to_internet": {"sg-0a2b3c4d5e6f7a8b9"},
    "ec2_sg_all_traffic_open_to_internet": set(),
    "ec2_sg_unapproved_port_open_to_internet": {"sg-0b1b2b3b4b5b6b7b8", "sg-0a2b3c4d5e6f7a8b9"},
    "ec2_default_sg_has_rules": {"sg-0d1e2f3a4b5c6d7e8"},
    "ec2_instance_imdsv1_enabled": {"i-0b45a1c2d3e4f5061"},
    "ebs_volume_unencrypted": {"vol-0a1a1a1a1a1a1a1a1"},
    "rds_instance_publicly_accessible": {"arn:aws:rds:us-east-1:123456789012:db:orders-db"},
    "rds_instance_storage_unencrypted": {"arn:aws:rds:us-east-1:123456789012:db:orders-db"},
    "rds_instance_deletion_protection_disabled": {"arn:aws:rds:us-east-1:123456789012:db:orders-db"},
    "rds_instance_backup_retention_low": set(),
    "s3_bucket_public_policy": {"acme-public-assets"},
    "s3_bucket_public_acl": {"acme-acl-public"},
    "s3_bucket_public_access_block_missing": {"acme-public-assets", "acme-acl-public"},
    "s3_bucket_default_encryption_disabled": set(),
    "s3_bucket_insecure_transport_allowed": {"acme-public-assets", "acme-acl-public", "acme-blocked"},
    "iam_user_console_without_mfa": {f"{A}user/bob"},
    "iam_access_key_not_rotated": {f"{A}user/bob"},
    "iam_access_key_unused": {f"{A}user/ci-bot"},
    "iam_user_admin_policy_attached": {f"{A}user/bob"},
    "iam_user_direct_policy_attached": {f"{A}user/bob", f"{A}user/ci-bot", f"{A}user/dave"},
    "iam_role_trusts_any_principal": set(),  # Cartography drops the trust edge to "*"
    "iam_role_cross_account_trust_without_external_id": {f"{A}role/vendor-audit"},
    "iam_policy_full_admin_attached": {
        f"{A}policy/ops-everything",
        "arn:aws:iam::aws:policy/AdministratorAccess",
    },
    "iam_root_access_key_present": {ACCOUNT},
    "iam_root_mfa_disabled": set(),
    "iam_admin_role_on_internet_exposed_instance": set(),
}


def _dates(obj: Any) -> Any:
    """boto3 returns datetimes where the CLI printed ISO strings; Cartography's transforms expect boto3."""
    if isinstance(obj, dict):
        return {
            k: (datetime.fromisoformat(v) if k in DATE_KEYS and isinstance(v, str) else _dates(v))
            for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [_dates(x) for x in obj]
    return obj


def _js(rel: str) -> Any:
    return _dates(json.loads((DAY1 / rel).read_text()))


def _opt(rel: str) -> Any:
    return _js(rel) if (DAY1 / rel).is_file() else None


def _policy_maps(auth: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """{principal arn: {policy arn: statements}} (managed), {principal arn: {name: statements}} (inline)."""
    documents = {
        p["Arn"]: next(v["Document"] for v in p["PolicyVersionList"] if v["IsDefaultVersion"])
        for p in auth["Policies"]
    }
    managed: dict[str, Any] = {}
    inline: dict[str, Any] = {}
    for kind, inline_key in (
        ("UserDetailList", "UserPolicyList"),
        ("GroupDetailList", "GroupPolicyList"),
        ("RoleDetailList", "RolePolicyList"),
    ):
        for principal in auth[kind]:
            arn = principal["Arn"]
            for attached in principal.get("AttachedManagedPolicies", []):
                managed.setdefault(arn, {})[attached["PolicyArn"]] = documents[attached["PolicyArn"]][
                    "Statement"
                ]
            for pol in principal.get(inline_key, []):
                inline.setdefault(arn, {})[pol["PolicyName"]] = pol["PolicyDocument"]["Statement"]
    return managed, inline


def load_with_cartography(session: Any) -> None:
    load_aws_accounts(session, {"acme": ACCOUNT}, TAG, {}, {ACCOUNT: "aws"})
    # IAM first, as Cartography syncs it: EC2 instances link to instance profiles and roles.
    auth = _js("global/iam/get-account-authorization-details.json")
    users = auth["UserDetailList"]
    for u in users:
        # list-users would carry PasswordLastUsed for console users; the snapshot contract has no such file.
        if u["UserName"] == "bob":
            u["PasswordLastUsed"] = datetime.fromisoformat("2026-11-18T08:00:00+00:00")
    iam.load_users(session, iam.transform_users(users), ACCOUNT, TAG)
    keys: dict[str, list[dict[str, Any]]] = {}
    devices = []
    for u in users:
        for key in _js(f"global/iam/list-access-keys/{u['UserName']}.json")["AccessKeyMetadata"]:
            used = _opt(f"global/iam/get-access-key-last-used/{key['AccessKeyId']}.json")
            last = (used or {}).get("AccessKeyLastUsed", {})
            keys.setdefault(u["Arn"], []).append(
                {
                    **key,
                    "LastUsedDate": last.get("LastUsedDate"),
                    "LastUsedService": last.get("ServiceName"),
                    "LastUsedRegion": last.get("Region"),
                }
            )
        for d in _js(f"global/iam/list-mfa-devices/{u['UserName']}.json")["MFADevices"]:
            devices.append({**d, "UserArn": u["Arn"]})
    iam.load_access_keys(session, iam.transform_access_keys(keys), TAG, ACCOUNT)
    iam.load_mfa_devices(session, iam.transform_mfa_devices(devices), TAG, ACCOUNT)
    groups = iam.transform_groups(
        auth["GroupDetailList"],
        {
            g["Arn"]: [u["Arn"] for u in users if g["GroupName"] in u.get("GroupList", [])]
            for g in auth["GroupDetailList"]
        },
    )
    iam.load_groups(session, groups, ACCOUNT, TAG)
    trust = iam.transform_role_trust_policies(auth["RoleDetailList"], ACCOUNT)
    iam.load_external_aws_accounts(session, trust.external_aws_accounts, TAG)
    iam.load_service_principals(session, trust.service_principals, TAG)
    iam.load_federated_principals(session, trust.federated_principals, ACCOUNT, TAG)
    iam.load_role_data(session, trust.role_data, ACCOUNT, TAG)
    managed, inline = _policy_maps(auth)
    iam.load_policy_data(session, iam.transform_policy_data(managed, "managed"), TAG, ACCOUNT)
    iam.load_policy_data(session, iam.transform_policy_data(inline, "inline"), TAG, ACCOUNT)
    summary = iam.transform_account_summary(_js("global/iam/get-account-summary.json")["SummaryMap"], ACCOUNT)
    iam.load_account_summary(session, summary, TAG)

    # Instance profiles (Cartography's iam_instance_profiles module) before EC2, so instances link to them.
    profiles = {p["Arn"]: p for r in auth["RoleDetailList"] for p in r.get("InstanceProfileList", [])}
    iam_instance_profiles.load_iam_instance_profiles(
        session, iam_instance_profiles.transform_instance_profiles(list(profiles.values())), ACCOUNT, TAG, {}
    )

    # EC2: security groups, instances, volumes
    sg = security_groups.transform_ec2_security_group_data(
        _js(f"{REGION}/ec2/describe-security-groups.json")["SecurityGroups"]
    )
    security_groups.load_ec2_security_groupinfo(session, sg, REGION, ACCOUNT, TAG)
    ec2 = instances.transform_ec2_instances(
        _js(f"{REGION}/ec2/describe-instances.json")["Reservations"], REGION, ACCOUNT
    )
    instances.load_ec2_instance_data(
        session,
        REGION,
        ACCOUNT,
        TAG,
        ec2.reservation_list,
        ec2.instance_list,
        ec2.subnet_list,
        ec2.sg_list,
        ec2.keypair_list,
        ec2.network_interface_list,
        ec2.instance_ebs_volumes_list,
        ec2.ipv6_address_list,
    )
    vols = volumes.transform_volumes(_js(f"{REGION}/ec2/describe-volumes.json")["Volumes"], REGION, ACCOUNT)
    volumes.load_volumes(session, vols, REGION, ACCOUNT, TAG)
    # RDS
    dbs = rds.transform_rds_instances(
        _js(f"{REGION}/rds/describe-db-instances.json")["DBInstances"], REGION, ACCOUNT
    )
    rds.load_rds_instances(session, dbs, REGION, ACCOUNT, TAG)
    # S3: list-buckets plus the per-bucket responses (absent file = the call failed / nothing configured)
    buckets = _js("global/s3api/list-buckets.json")
    for b in buckets["Buckets"]:
        b["Region"] = REGION
    s3.load_s3_buckets(session, buckets, ACCOUNT, TAG)
    details = [
        (
            b["Name"],
            _opt(f"global/s3api/get-bucket-acl/{b['Name']}.json"),
            _opt(f"global/s3api/get-bucket-policy/{b['Name']}.json"),
            _opt(f"global/s3api/get-bucket-encryption/{b['Name']}.json"),
            None,
            _opt(f"global/s3api/get-public-access-block/{b['Name']}.json"),
            None,
            None,
        )
        for b in buckets["Buckets"]
    ]
    s3.load_s3_details(session, iter(details), buckets, ACCOUNT, TAG, "aws")


@pytest.fixture()
def cartography_graph(neo4j: str) -> None:
    with driver.session() as session:
        load_with_cartography(session)
    labels = {r["l"] for r in driver.read("MATCH (n) UNWIND labels(n) AS l RETURN DISTINCT l")}
    # Sanity: this really is Cartography's graph (its primary labels), not ours.
    assert {
        "AWSEC2SecurityGroup",
        "AWSIpPermissionInbound",
        "AWSS3Bucket",
        "AWSUser",
        "AWSRDSInstance",
        "AWSManagedPolicy",
        "AWSAccountAccessKey",
    } <= labels
    assert not driver.read("MATCH (n:IngestRun) RETURN n LIMIT 1")


def test_cloud_controls_run_unchanged_on_a_cartography_graph(
    cartography_graph: None, output_dir: Path
) -> None:
    controls = [c for c in load_catalogue() if c.meta.layer.value != "kubernetes"]
    results = {r.control.id: r for r in run_controls(controls, EvaluationTarget(None, 1795154400))}
    errors = {k: r.error for k, r in results.items() if r.status == "error"}
    assert not errors
    found = {k: {row["asset_id"] for row in results[k].rows} for k in EXPECTED}
    (output_dir / "cartography_compat.json").write_text(
        json.dumps({k: sorted(v) for k, v in found.items()}, indent=2)
    )
    assert found == EXPECTED
    # Every compatibility control evaluated real assets of Cartography's graph.
    assert all(results[k].evaluated for k in EXPECTED), {k: results[k].evaluated for k in EXPECTED}
