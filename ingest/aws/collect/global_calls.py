"""Account-wide calls filed under ``global/``: IAM and S3.

Absent configurations (docs/snapshot-format.md, "Absent configurations"): for a bucket without a bucket
policy, public access block or default encryption the CLI prints an error and no JSON. Writing nothing
would read as *not collected* and keep a deleted policy in the graph forever, so for exactly those error
codes we write ``{}`` — the response shape with its configuration key absent — meaning "collected: none".
"""

from __future__ import annotations

import time
from typing import Any

from ingest.aws.collect.caller import AccountCollector

G = "global"

S3_ABSENT: dict[str, dict[str, dict[str, Any]]] = {
    "get-bucket-policy": {"NoSuchBucketPolicy": {}},
    "get-public-access-block": {"NoSuchPublicAccessBlockConfiguration": {}},
    "get-bucket-encryption": {"ServerSideEncryptionConfigurationNotFoundError": {}},
    "get-bucket-acl": {},
}

# IAM answers a last-accessed job within seconds; a job still running after this is reported, not waited on.
LAST_ACCESSED_TIMEOUT_S = 120.0
LAST_ACCESSED_POLL_S = 1.0


def collect_iam(acct: AccountCollector) -> None:
    details = acct.call(G, "iam", "get-account-authorization-details")
    acct.call(G, "iam", "get-account-summary")
    # Not in the snapshot table, but the account module names the account from its alias when present.
    acct.call(G, "iam", "list-account-aliases")
    if details is None:
        return  # no user list: the per-user calls have nothing to run on (the error is already recorded)
    users = list(details.get("UserDetailList", []))
    for user in users:
        name = user["UserName"]
        acct.call(G, "iam", "list-mfa-devices", {"UserName": name}, resource=name)
        keys = acct.call(G, "iam", "list-access-keys", {"UserName": name}, resource=name)
        for key in (keys or {}).get("AccessKeyMetadata", []):
            key_id = key["AccessKeyId"]
            acct.call(G, "iam", "get-access-key-last-used", {"AccessKeyId": key_id}, resource=key_id)
    collect_credential_report(acct)
    principals = [(u["UserName"], u["Arn"]) for u in users]
    principals += [(r["RoleName"], r["Arn"]) for r in details.get("RoleDetailList", [])]
    collect_last_accessed(acct, principals)


def collect_credential_report(acct: AccountCollector) -> None:
    """``generate-credential-report`` until ``COMPLETE`` (AWS builds it in seconds, at most every 4 hours),
    then ``get-credential-report`` (written unchanged). A report still building at the deadline is reported
    and not written: *not collected*, so nobody is called unused for it."""
    deadline = time.monotonic() + LAST_ACCESSED_TIMEOUT_S
    while True:
        started = acct.fetch(G, "iam", "generate-credential-report", {})
        if started is None:
            return  # denied: the error is recorded, the report stays not collected
        if started.get("State") == "COMPLETE":
            break
        if time.monotonic() > deadline:
            acct.record(
                G,
                "iam",
                "get-credential-report",
                None,
                "ReportTimeout",
                "unreachable",
                "report still building",
            )
            return
        time.sleep(LAST_ACCESSED_POLL_S)
    acct.call(G, "iam", "get-credential-report")


def collect_last_accessed(acct: AccountCollector, principals: list[tuple[str, str]]) -> None:
    """``get-service-last-accessed-details`` per user and role: start every job, then poll them together."""
    jobs: dict[str, str] = {}
    for name, arn in principals:
        if name in jobs:
            # Users and roles share the file namespace; a role named like a user cannot be stored.
            acct.record(
                G,
                "iam",
                "get-service-last-accessed-details",
                name,
                "NameCollision",
                "error",
                f"a user and a role are both named {name!r}; only the first is stored",
            )
            continue
        # ACTION_LEVEL: for the services AWS tracks actions of, the report names each action's last use.
        started = acct.fetch(
            G,
            "iam",
            "generate-service-last-accessed-details",
            {"Arn": arn, "Granularity": "ACTION_LEVEL"},
            resource=name,
        )
        if started is None:
            # Denied or unsupported for one principal means the same for all: one report line, not hundreds.
            skipped = len(principals) - len(jobs) - 1
            if skipped:
                acct.record(
                    G,
                    "iam",
                    "get-service-last-accessed-details",
                    None,
                    "Skipped",
                    "error",
                    f"not requested for {skipped} further principals after the failure above",
                )
            break
        jobs[name] = started["JobId"]
    deadline = time.monotonic() + LAST_ACCESSED_TIMEOUT_S
    pending = dict(jobs)
    while pending:
        for name, job_id in list(pending.items()):
            # MaxItems 1000 (the API maximum) so one page — what the CLI prints — holds every service.
            result = acct.fetch(
                G,
                "iam",
                "get-service-last-accessed-details",
                {"JobId": job_id, "MaxItems": 1000},
                resource=name,
            )
            status = (result or {}).get("JobStatus")
            if result is None or status == "FAILED":
                if result is not None:
                    acct.record(
                        G,
                        "iam",
                        "get-service-last-accessed-details",
                        name,
                        "JobFailed",
                        "error",
                        str(result.get("Error", {}).get("Message", "job failed")),
                    )
                del pending[name]
            elif status == "COMPLETED":
                acct.write(G, "iam", "get-service-last-accessed-details", result, name)
                del pending[name]
        if pending and time.monotonic() > deadline:
            for name in pending:
                acct.record(
                    G,
                    "iam",
                    "get-service-last-accessed-details",
                    name,
                    "JobTimeout",
                    "unreachable",
                    f"job still IN_PROGRESS after {LAST_ACCESSED_TIMEOUT_S:.0f}s",
                )
            return
        if pending:
            time.sleep(LAST_ACCESSED_POLL_S)


def collect_s3(acct: AccountCollector) -> None:
    listing = acct.call(G, "s3api", "list-buckets")
    for bucket in (listing or {}).get("Buckets", []):
        name = bucket["Name"]
        location = acct.call(G, "s3api", "get-bucket-location", {"Bucket": name}, resource=name)
        # Per-bucket calls go to the bucket's own region (the CLI would follow the 301 redirect to the
        # same answer); ListBuckets now also returns BucketRegion, used when the location call failed.
        region = _bucket_region(location, bucket.get("BucketRegion"), acct.home_region)
        for command, absent in S3_ABSENT.items():
            acct.call(
                G,
                "s3api",
                command,
                {"Bucket": name},
                resource=name,
                absent=absent or None,
                client_region=region,
            )


def _bucket_region(location: dict[str, Any] | None, listed: str | None, default: str) -> str:
    if location is None:
        return listed or default
    constraint = location.get("LocationConstraint") or "us-east-1"  # null: the bucket is in us-east-1
    return "eu-west-1" if constraint == "EU" else str(constraint)  # "EU": the legacy name of eu-west-1
