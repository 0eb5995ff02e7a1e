"""Benchmark: AWS effective permissions for 10,000 principals x 50 policy documents each.

Documents are generated deterministically to look like a real account: a few broad AWS-managed
style policies (ReadOnly-like ``Describe*/Get*/List*`` over many services, ``svc:*`` power-user
policies, AdministratorAccess), a larger pool of customer-managed policies scoped to ARNs (some
with conditions, Denies, NotAction/NotResource), unique inline policies per principal, and a
permissions boundary on some principals. Prints wall time and peak RSS; target < 60 s, < 2 GB.

    .venv/bin/python bench/bench_privileges.py [--principals 10000] [--policies 50]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.privileges.aws import batch_mode, effective_permissions  # noqa: E402
from analysis.privileges.aws_actions import KNOWN_SERVICES, SERVICE_ACTIONS  # noqa: E402
from analysis.privileges.escalation import escalation_paths  # noqa: E402

Doc = dict[str, Any]
COMMON = [
    "s3",
    "ec2",
    "iam",
    "lambda",
    "dynamodb",
    "sqs",
    "sns",
    "kms",
    "logs",
    "cloudwatch",
    "rds",
    "secretsmanager",
    "ssm",
    "sts",
    "ecr",
    "ecs",
    "eks",
    "cloudformation",
    "glue",
    "athena",
]
COMMON = [s for s in COMMON if s in SERVICE_ACTIONS]


def doc(*statements: dict[str, Any]) -> Doc:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def arn(rng: random.Random, svc: str) -> str:
    account = rng.choice(["111111111111", "222222222222"])
    name = f"team{rng.randrange(40)}-{rng.choice(['data', 'logs', 'app', 'ml'])}"
    return {
        "s3": f"arn:aws:s3:::{name}/*",
        "dynamodb": f"arn:aws:dynamodb:eu-west-1:{account}:table/{name}",
        "sqs": f"arn:aws:sqs:eu-west-1:{account}:{name}",
        "kms": f"arn:aws:kms:eu-west-1:{account}:key/{rng.randrange(10**6)}",
        "secretsmanager": f"arn:aws:secretsmanager:eu-west-1:{account}:secret:{name}-*",
        "iam": f"arn:aws:iam::{account}:role/{name}",
    }.get(svc, f"arn:aws:{svc}:eu-west-1:{account}:{name}*")


def concrete(rng: random.Random, svc: str, k: int) -> list[str]:
    return rng.sample(sorted(SERVICE_ACTIONS[svc]), min(k, len(SERVICE_ACTIONS[svc])))


def aws_managed(rng: random.Random) -> list[Doc]:
    read_only = doc(
        {
            "Effect": "Allow",
            "Resource": "*",
            "Action": [
                f"{s}:{verb}*"
                for s in rng.sample(KNOWN_SERVICES, 120)
                for verb in ("Describe", "Get", "List")
            ],
        }
    )
    out = [
        doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        read_only,
        doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}),
    ]
    for _ in range(60):
        services = rng.sample(COMMON, rng.randint(1, 4))
        out.append(
            doc(
                *(
                    {
                        "Effect": "Allow",
                        "Resource": "*",
                        "Action": rng.choice(
                            [f"{s}:*", [f"{s}:Get*", f"{s}:List*", f"{s}:Describe*"], concrete(rng, s, 6)]
                        ),
                    }
                    for s in services
                )
            )
        )
    return out


def customer(rng: random.Random) -> Doc:
    statements: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 5)):
        svc = rng.choice(COMMON)
        st: dict[str, Any] = {
            "Effect": "Allow",
            "Action": concrete(rng, svc, rng.randint(1, 8)),
            "Resource": [arn(rng, svc) for _ in range(rng.randint(1, 3))],
        }
        if rng.random() < 0.15:
            st["Condition"] = {
                "StringEquals": {"aws:RequestedRegion": rng.choice(["eu-west-1", "us-east-1"])}
            }
        statements.append(st)
    roll = rng.random()
    if roll < 0.10:
        statements.append(
            {"Effect": "Deny", "Action": ["s3:DeleteBucket", "s3:DeleteObject"], "Resource": "*"}
        )
    elif roll < 0.15:
        statements.append({"Effect": "Deny", "Action": "s3:*", "Resource": arn(rng, "s3")})
    elif roll < 0.18:
        statements.append(
            {
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*"],
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
            }
        )
    elif roll < 0.20:
        statements.append({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": arn(rng, "s3")})
    return doc(*statements)


def boundaries(rng: random.Random) -> list[Doc]:
    return [
        doc(
            {"Effect": "Allow", "Action": [f"{s}:*" for s in rng.sample(COMMON, 8)], "Resource": "*"},
            {"Effect": "Deny", "Action": ["iam:CreateUser", "iam:AttachRolePolicy"], "Resource": "*"},
        )
        for _ in range(5)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--principals", type=int, default=10_000)
    parser.add_argument("--policies", type=int, default=50)
    # Written in input order, so two engine versions can be checked for identical results.
    parser.add_argument("--dump-hashes", type=Path, default=None, help="write one sha256 per principal")
    args = parser.parse_args()
    rng = random.Random(42)

    managed, pool, bounds = aws_managed(rng), [customer(rng) for _ in range(2_000)], boundaries(rng)
    weights = [1 / (i + 1) for i in range(len(pool))]  # a few policies are attached everywhere
    principals = []
    for _ in range(args.principals):
        n_inline = 3
        n_managed = rng.choice([0, 0, 0, 1, 2]) if rng.random() < 0.97 else 3
        attached = rng.sample(managed[3:], n_managed)
        if rng.random() < 0.02:
            attached.append(rng.choice(managed[:3]))
        attached += rng.choices(pool, weights, k=args.policies - len(attached) - n_inline)
        attached += [customer(rng) for _ in range(n_inline)]
        principals.append((attached, rng.choice(bounds) if rng.random() < 0.15 else None))

    start, cpu_start = time.perf_counter(), time.process_time()
    results, entries, findings = [], 0, 0
    with batch_mode():
        for policies, boundary in principals:
            perms = effective_permissions(policies, boundary)
            _ = perms.sha256
            findings += len(escalation_paths(perms))
            entries += len(perms.entries)
            results.append(perms)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.dump_hashes is not None:
        args.dump_hashes.write_text("".join(f"{r.sha256} {len(r.entries)}\n" for r in results))
    print(
        f"principals={args.principals} policies_each={args.policies} "
        f"unique_results={len({r.sha256 for r in results})}"
    )
    print(f"entries total={entries} mean={entries / max(1, len(results)):.0f} escalation_findings={findings}")
    # CPU time too: on a shared machine wall time includes waiting for a core.
    print(
        f"wall={elapsed:.1f}s cpu={cpu:.1f}s ({1000 * cpu / max(1, len(results)):.2f} ms cpu/principal) "
        f"peak_rss={peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
