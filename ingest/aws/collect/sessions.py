"""Which accounts to collect and with which credentials: the caller's own, plus each assumed role."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import boto3

from ingest.aws.collect.caller import CLIENT_CONFIG
from ingest.aws.collect.report import CALL_ERRORS, CollectError, CollectReport, classify

# Called like ``boto3.Session(**kwargs)``: with ``profile_name`` for the caller, with temporary credentials
# for an assumed role. Tests inject one that registers botocore event handlers (e.g. a denied operation).
SessionFactory = Callable[..., boto3.Session]
ROLE_SESSION_NAME = "invgraph-collect"


def _sts(session: boto3.Session, region: str, endpoint_url: str | None) -> Any:
    return session.client("sts", region_name=region, config=CLIENT_CONFIG, endpoint_url=endpoint_url)


def _fail(report: CollectReport, account: str, command: str, resource: str | None, exc: Exception) -> None:
    report.add_error(CollectError(account, "global", "sts", command, resource, *classify(exc)))


def accounts(
    base: boto3.Session,
    factory: SessionFactory,
    report: CollectReport,
    home_region: str,
    assume_roles: Sequence[str],
    external_id: str | None,
    endpoint_url: str | None,
) -> list[tuple[str, boto3.Session]]:
    """(account id, session) for every account that answered get-caller-identity; failures are reported."""
    found: list[tuple[str, boto3.Session]] = []
    try:
        own = _sts(base, home_region, endpoint_url).get_caller_identity()["Account"]
        found.append((own, base))
    except CALL_ERRORS as exc:
        _fail(report, "unknown", "get-caller-identity", None, exc)
    for role_arn in assume_roles:
        account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else "unknown"
        params = {"RoleArn": role_arn, "RoleSessionName": ROLE_SESSION_NAME}
        if external_id:
            params["ExternalId"] = external_id
        try:
            creds = _sts(base, home_region, endpoint_url).assume_role(**params)["Credentials"]
            session = factory(
                aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"],
                region_name=home_region,
            )
            # The role's own answer, not the ARN's account field: what the folder is named by must be true.
            account = _sts(session, home_region, endpoint_url).get_caller_identity()["Account"]
        except CALL_ERRORS as exc:
            _fail(report, account, "assume-role", role_arn, exc)
            continue
        if any(a == account for a, _ in found):
            continue  # the same account twice (own account, or two roles into it): collect it once
        found.append((account, session))
    return found


def regions(
    session: boto3.Session,
    account: str,
    report: CollectReport,
    home_region: str,
    endpoint_url: str | None,
) -> list[str]:
    """Enabled regions (``ec2 describe-regions`` without --all-regions: opted-in or not requiring opt-in)."""
    try:
        answer = session.client(
            "ec2",
            region_name=home_region,
            config=CLIENT_CONFIG,
            endpoint_url=endpoint_url,
        ).describe_regions()
    except CALL_ERRORS as exc:
        # Without the list, collect the home region rather than nothing; the report says why.
        report.add_error(CollectError(account, home_region, "ec2", "describe-regions", None, *classify(exc)))
        return [home_region]
    return sorted(r["RegionName"] for r in answer.get("Regions", []))
