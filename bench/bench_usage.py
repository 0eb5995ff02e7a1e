"""Benchmark (issue 21): the usage post-ingest step beside the effective-permission step, same graph and run.

Writes one account with ``--principals`` IAM roles and users (a quarter users, each with an access key, its
get-access-key-last-used answer and a credential-report row), each with 1-3 of 24 managed policies and an
ACTION_LEVEL last-accessed report of 8-20 services, ingests it with no post-ingest step, then runs the
``privileges`` step and the ``usage`` step one after the other: wall time of each on the first run (every
record written), again on an unchanged graph (the nightly case: nothing to write, and the usage step skips
every principal whose inputs and verdict window are unchanged — it prints how many it recomputed), then (a
third pass) the Python heap peak of each under tracemalloc. Goal: usage adds < 25 % to privileges.

    .venv/bin/python bench/bench_usage.py [--principals 10000]
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.privileges import steps, usage  # noqa: E402
from bench.common import neo4j_for_bench, peak_rss_mb, wipe  # noqa: E402
from history import post_ingest  # noqa: E402
from pipeline.run import ingest_snapshot  # noqa: E402

ACCOUNT = "123456789012"
AT = "2026-11-20T06:00:00Z"
SERVICES = [
    "s3",
    "ec2",
    "iam",
    "lambda",
    "dynamodb",
    "sqs",
    "sns",
    "kms",
    "logs",
    "rds",
    "ssm",
    "ecr",
    "secretsmanager",
    "cloudwatch",
    "sts",
    "athena",
    "glue",
    "kinesis",
    "route53",
    "elasticloadbalancing",
]


def _policies(rng: random.Random) -> list[dict[str, Any]]:
    out = []
    for i in range(24):
        if i == 0:
            stmt = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        else:
            svcs = rng.sample(SERVICES, 3)
            stmt = [
                {
                    "Effect": "Allow",
                    "Action": [f"{s}:{rng.choice(['Get*', 'List*', 'Describe*', '*'])}" for s in svcs],
                    "Resource": "*",
                },
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::bucket-{i}/*"},
            ]
        doc = {"Version": "2012-10-17", "Statement": stmt}
        out.append(
            {
                "PolicyName": f"p{i}",
                "PolicyId": f"ANPA{i:016d}",
                "Arn": f"arn:aws:iam::{ACCOUNT}:policy/p{i}",
                "Path": "/",
                "DefaultVersionId": "v1",
                "AttachmentCount": 1,
                "IsAttachable": True,
                "CreateDate": "2025-01-01T00:00:00+00:00",
                "UpdateDate": "2025-01-01T00:00:00+00:00",
                "PolicyVersionList": [
                    {
                        "Document": doc,
                        "VersionId": "v1",
                        "IsDefaultVersion": True,
                        "CreateDate": "2025-01-01T00:00:00+00:00",
                    }
                ],
            }
        )
    return out


def _report(rng: random.Random) -> dict[str, Any]:
    items = []
    for ns in rng.sample(SERVICES, rng.randint(8, 20)):
        item: dict[str, Any] = {"ServiceName": ns, "ServiceNamespace": ns, "TotalAuthenticatedEntities": 0}
        if rng.random() < 0.3:
            item |= {
                "LastAuthenticated": f"2026-{rng.randint(1, 11):02d}-0{rng.randint(1, 9)}T00:00:00+00:00",
                "TotalAuthenticatedEntities": 1,
            }
        if ns in ("s3", "ec2", "iam", "lambda"):
            item["TrackedActionsLastAccessed"] = [{"ActionName": "GetObject"}, {"ActionName": "PutObject"}]
        items.append(item)
    return {
        "JobStatus": "COMPLETED",
        "JobType": "ACTION_LEVEL",
        "JobCreationDate": AT,
        "ServicesLastAccessed": items,
        "JobCompletionDate": AT,
        "IsTruncated": False,
    }


def write_snapshot(root: Path, n: int) -> None:
    rng = random.Random(21)
    iam = root / "aws" / ACCOUNT / "global" / "iam"
    for sub in (
        "get-service-last-accessed-details",
        "list-access-keys",
        "list-mfa-devices",
        "get-access-key-last-used",
    ):
        (iam / sub).mkdir(parents=True, exist_ok=True)
    (root / "snapshot.json").write_text(json.dumps({"collected_at": AT}))
    policies = _policies(rng)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    users, roles, rows = (
        [],
        [],
        [
            "user,arn,user_creation_time,password_enabled,password_last_used,"
            "password_last_changed,access_key_1_active,access_key_1_last_rotated,"
            "access_key_1_last_used_date"
        ],
    )
    for i in range(n):
        attached = [
            {"PolicyName": p["PolicyName"], "PolicyArn": p["Arn"]}
            for p in rng.sample(policies, rng.randint(1, 3))
        ]
        name = f"p{i:05d}"
        common = {
            "Path": "/",
            "CreateDate": "2025-01-01T00:00:00+00:00",
            "AttachedManagedPolicies": attached,
            "Tags": [],
        }
        if i % 4 == 0:
            arn = f"arn:aws:iam::{ACCOUNT}:user/{name}"
            users.append(
                {
                    **common,
                    "UserName": name,
                    "UserId": f"AIDA{i:017d}",
                    "Arn": arn,
                    "UserPolicyList": [],
                    "GroupList": [],
                }
            )
            key = f"AKIA{i:016d}"
            (iam / "list-access-keys" / f"{name}.json").write_text(
                json.dumps(
                    {
                        "AccessKeyMetadata": [
                            {
                                "UserName": name,
                                "AccessKeyId": key,
                                "Status": "Active",
                                "CreateDate": "2025-06-01T00:00:00+00:00",
                            }
                        ]
                    }
                )
            )
            (iam / "list-mfa-devices" / f"{name}.json").write_text(json.dumps({"MFADevices": []}))
            (iam / "get-access-key-last-used" / f"{key}.json").write_text(
                json.dumps({"UserName": name, "AccessKeyLastUsed": {"ServiceName": "N/A", "Region": "N/A"}})
            )
            rows.append(
                f"{name},{arn},2025-01-01T00:00:00+00:00,true,2026-10-01T00:00:00+00:00,"
                "2025-01-01T00:00:00+00:00,true,2025-06-01T00:00:00+00:00,N/A"
            )
        else:
            roles.append(
                {
                    **common,
                    "RoleName": name,
                    "RoleId": f"AROA{i:017d}",
                    "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
                    "AssumeRolePolicyDocument": trust,
                    "InstanceProfileList": [],
                    "RolePolicyList": [],
                    "RoleLastUsed": {},
                }
            )
        (iam / "get-service-last-accessed-details" / f"{name}.json").write_text(json.dumps(_report(rng)))
    (iam / "get-account-authorization-details.json").write_text(
        json.dumps(
            {
                "UserDetailList": users,
                "GroupDetailList": [],
                "RoleDetailList": roles,
                "Policies": policies,
                "IsTruncated": False,
            }
        )
    )
    content = base64.b64encode(("\n".join(rows) + "\n").encode()).decode()
    (iam / "get-credential-report.json").write_text(
        json.dumps({"Content": content, "ReportFormat": "text/csv", "GeneratedTime": AT})
    )


def _seconds(step: Callable[[], Any]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def _heap(step: Callable[[], Any]) -> float:
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--principals", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="invgraph-bench-usage-"))
    write_snapshot(folder, args.principals)
    with neo4j_for_bench():
        wipe()
        post_ingest.STEPS[:] = []  # load only; the two steps run below, one at a time
        report = ingest_snapshot(folder)
        ctx = report.context
        assert ctx is not None
        results = report.modules
        recomputed: list[int] = []
        run = {
            "privileges": lambda: steps.privileges_step(ctx, results),
            "usage": lambda: recomputed.append(usage.usage_step(ctx, results)["recomputed"]),
        }
        seconds = {name: _seconds(fn) for name, fn in run.items()}
        again = {name: _seconds(fn) for name, fn in run.items()}
        heap = {name: _heap(fn) for name, fn in run.items()}
        counted = len(usage.report()["principals"])
    print(f"principals with usage data: {counted} (of {args.principals} written)")
    print(f"usage step recomputed {recomputed[0]} principals on the first run, {recomputed[1]} unchanged")
    print(f"{'step':<12}{'first run s':>12}{'unchanged s':>13}{'heap peak MB':>15}")
    for name in run:
        print(f"{name:<12}{seconds[name]:>12.1f}{again[name]:>13.1f}{heap[name]:>15.0f}")
    extra = seconds["usage"] / seconds["privileges"] * 100
    steady = again["usage"] / again["privileges"] * 100
    print(
        f"usage adds {extra:.0f} % of the privileges step's time on the first run, {steady:.0f} % on an "
        f"unchanged graph, {heap['usage'] / heap['privileges'] * 100:.0f} % of its heap peak (goal: < 25 %); "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
