"""Per-region calls: EC2 network and compute, ELBv2, RDS, Lambda, EKS, Secrets Manager, KMS.

A list call that fails skips its per-resource calls (there is nothing to name them by); the failure is
already in the report and the offline reader keeps the previous data for everything the list feeds.
"""

from __future__ import annotations

from typing import Any

from ingest.aws.collect.caller import AccountCollector
from ingest.aws.kms import rotation_applies

EC2_COMMANDS = (
    "describe-vpcs",
    "describe-subnets",
    "describe-internet-gateways",
    "describe-route-tables",
    "describe-network-acls",
    "describe-security-groups",
    "describe-instances",
    "describe-network-interfaces",
    "describe-volumes",
)
SIMPLE_LISTS = (("rds", "describe-db-instances"), ("secretsmanager", "list-secrets"))

# A function deleted between list-functions and this call has no URL: write what the CLI prints for a
# function without one, so its URL is recorded as gone rather than "not collected".
LAMBDA_URLS_ABSENT: dict[str, dict[str, Any]] = {"ResourceNotFoundException": {"FunctionUrlConfigs": []}}


def collect_region(acct: AccountCollector, region: str) -> None:
    for command in EC2_COMMANDS:
        acct.call(region, "ec2", command)
    collect_elbv2(acct, region)
    for service, command in SIMPLE_LISTS:
        acct.call(region, service, command)
    collect_lambda(acct, region)
    collect_eks(acct, region)
    collect_kms(acct, region)


def collect_elbv2(acct: AccountCollector, region: str) -> None:
    lbs = acct.call(region, "elbv2", "describe-load-balancers")
    for lb in (lbs or {}).get("LoadBalancers", []):
        acct.call(
            region,
            "elbv2",
            "describe-listeners",
            {"LoadBalancerArn": lb["LoadBalancerArn"]},
            resource=lb["LoadBalancerName"],
        )
    tgs = acct.call(region, "elbv2", "describe-target-groups")
    for tg in (tgs or {}).get("TargetGroups", []):
        acct.call(
            region,
            "elbv2",
            "describe-target-health",
            {"TargetGroupArn": tg["TargetGroupArn"]},
            resource=tg["TargetGroupName"],
        )


def collect_lambda(acct: AccountCollector, region: str) -> None:
    functions = acct.call(region, "lambda", "list-functions")
    for fn in (functions or {}).get("Functions", []):
        name = fn["FunctionName"]
        acct.call(
            region,
            "lambda",
            "list-function-url-configs",
            {"FunctionName": name},
            resource=name,
            absent=LAMBDA_URLS_ABSENT,
        )


def collect_eks(acct: AccountCollector, region: str) -> None:
    clusters = acct.call(region, "eks", "list-clusters")
    for name in (clusters or {}).get("clusters", []):
        acct.call(region, "eks", "describe-cluster", {"name": name}, resource=name)


def collect_kms(acct: AccountCollector, region: str) -> None:
    # Rotation status only where AWS rotates automatically: for other keys the API answers
    # UnsupportedOperationException, and the reader does not look for the file (ingest/aws/kms.py).
    keys = acct.call(region, "kms", "list-keys")
    for key in (keys or {}).get("Keys", []):
        key_id = key["KeyId"]
        described = acct.call(region, "kms", "describe-key", {"KeyId": key_id}, resource=key_id)
        if described is None:
            continue
        acct.call(
            region, "kms", "get-key-policy", {"KeyId": key_id, "PolicyName": "default"}, resource=key_id
        )
        if rotation_applies(described["KeyMetadata"]):
            acct.call(region, "kms", "get-key-rotation-status", {"KeyId": key_id}, resource=key_id)
