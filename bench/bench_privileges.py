"""Benchmark: AWS effective permissions for 10,000 principals x 50 policy documents each.

Documents are generated deterministically to look like a real account: a few broad AWS-managed
style policies (ReadOnly-like ``Describe*/Get*/List*`` over many services, ``svc:*`` power-user
policies, AdministratorAccess), a larger pool of customer-managed policies scoped to ARNs (some
with conditions, Denies, NotAction/NotResource), unique inline policies per principal, and a
permissions boundary on some principals. Prints wall time and peak RSS; target < 60 s, < 2 GB.

With ``--scps`` (issue 14) the same principals are evaluated a second time inside an AWS Organization:
a 3-level OU tree (root → 3 OUs → 9 OUs → 27 OUs) holding 54 accounts, and 20 SCPs of the kinds real
organizations attach (FullAWSAccess everywhere, deny-lists for leaving the organization, the root user,
audit trails, public-access settings, region restrictions, an allow-list on the sandbox branch). Both runs
print side by side; goal <= 30 s cpu with SCPs, peak RSS < 2 GB.

    .venv/bin/python bench/bench_privileges.py [--principals 10000] [--policies 50] [--scps]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.privileges.aws import batch_mode, effective_permissions  # noqa: E402
from analysis.privileges.aws_actions import KNOWN_SERVICES, SERVICE_ACTIONS  # noqa: E402
from analysis.privileges.escalation import escalation_paths  # noqa: E402
from analysis.privileges.guardrails import AccountGuardrails, Level, RequestContext, levels_for  # noqa: E402

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


def deny(actions: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": actions, "Resource": "*", **extra}


def scps() -> dict[str, Doc]:
    """20 SCPs: FullAWSAccess plus 19 deny-lists / one allow-list, as organizations write them."""
    return {
        "FullAWSAccess": doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        "DenyLeaveOrganization": doc(deny("organizations:LeaveOrganization")),
        "DenyRootUser": doc(deny("*", Condition={"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}})),
        "ProtectCloudTrail": doc(
            deny(["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail"])
        ),
        "ProtectGuardDuty": doc(
            deny(["guardduty:DeleteDetector", "guardduty:DisassociateFromMasterAccount"])
        ),
        "ProtectConfig": doc(
            deny(["config:DeleteConfigurationRecorder", "config:StopConfigurationRecorder"])
        ),
        "ProtectS3PublicAccess": doc(deny(["s3:PutAccountPublicAccessBlock", "s3:DeletePublicAccessBlock"])),
        "ProtectEbsEncryption": doc(deny("ec2:DisableEbsEncryptionByDefault")),
        "DenyIamUsers": doc(deny(["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"])),
        "DenyOutsideRegions": doc(
            {
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*", "organizations:*", "support:*", "cloudfront:*", "route53:*"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}},
            }
        ),
        "ProtectSecurityRoles": doc(
            deny(["iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRole"])
            | {"Resource": "arn:aws:iam::*:role/security-*"}
        ),
        "DenyKmsKeyDeletion": doc(deny(["kms:ScheduleKeyDeletion", "kms:DisableKey"])),
        "DenyVpcInternetChanges": doc(deny(["ec2:AttachInternetGateway", "ec2:CreateInternetGateway"])),
        "DenyRdsPublic": doc(
            deny("rds:ModifyDBInstance", Condition={"Bool": {"rds:PubliclyAccessible": "true"}})
        ),
        "DenySecretsDeletion": doc(deny("secretsmanager:DeleteSecret")),
        "DenyLogDeletion": doc(deny(["logs:DeleteLogGroup", "logs:DeleteLogStream"])),
        "DenyAccountSettings": doc(deny(["account:*", "billing:*"])),
        "DenyBackupDeletion": doc(deny(["backup:DeleteBackupVault", "backup:DeleteRecoveryPoint"])),
        "DenyEcrPublic": doc(deny(["ecr-public:*"])),
        "SandboxAllowList": doc(
            {
                "Effect": "Allow",
                "Action": ["s3:*", "ec2:*", "lambda:*", "dynamodb:*", "logs:*"],
                "Resource": "*",
            }
        ),
    }


def organization(n_accounts: int) -> list[AccountGuardrails]:
    """Root → 3 OUs → 9 OUs → 27 OUs; accounts under the 27 leaves. Deny-lists spread over the levels;
    the allow-list replaces FullAWSAccess on the first top-level OU (the sandbox branch)."""
    p = scps()
    root = Level(
        "root Root",
        tuple(
            (n, p[n])
            for n in (
                "FullAWSAccess",
                "DenyLeaveOrganization",
                "DenyRootUser",
                "ProtectCloudTrail",
                "DenyAccountSettings",
            )
        ),
    )
    spread = [
        n
        for n in p
        if n
        not in (
            "FullAWSAccess",
            "DenyLeaveOrganization",
            "DenyRootUser",
            "ProtectCloudTrail",
            "DenyAccountSettings",
            "SandboxAllowList",
        )
    ]
    out = []
    for i in range(n_accounts):
        top, mid, leaf = i % 3, (i // 3) % 3, (i // 9) % 3
        first = ("SandboxAllowList",) if top == 0 else ("FullAWSAccess",)
        levels = [
            root,
            Level(f"OU top{top}", tuple((n, p[n]) for n in (*first, spread[top]))),
            Level(
                f"OU mid{top}{mid}", tuple((n, p[n]) for n in ("FullAWSAccess", spread[3 + 3 * top + mid]))
            ),
            Level(
                f"OU leaf{top}{mid}{leaf}",
                tuple((n, p[n]) for n in ("FullAWSAccess", spread[(top + mid + leaf) % 14])),
            ),
            Level(f"account {i}", (("FullAWSAccess", p["FullAWSAccess"]),)),
        ]
        out.append(AccountGuardrails(f"{100000000000 + i}", "governed", "o-bench00000", scps=levels))
    return out


def run(
    principals: list[tuple[list[Doc], Doc | None]], accounts: list[AccountGuardrails] | None
) -> tuple[list[Any], int, int, float, float]:
    start, cpu_start = time.perf_counter(), time.process_time()
    results, entries, findings = [], 0, 0
    with batch_mode():
        for i, (policies, boundary) in enumerate(principals):
            levels: tuple[Any, ...] = ()
            if accounts is not None:
                g = accounts[i % len(accounts)]
                arn = f"arn:aws:iam::{g.account}:role/app-{i}"
                levels = levels_for(g, "SCP", RequestContext(g.org, g.account, principal_arn=arn))
            perms = effective_permissions(policies, boundary, scp_levels=levels)
            _ = perms.sha256
            findings += len(escalation_paths(perms))
            entries += len(perms.entries)
            results.append(perms)
    return results, entries, findings, time.perf_counter() - start, time.process_time() - cpu_start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--principals", type=int, default=10_000)
    parser.add_argument("--policies", type=int, default=50)
    # Written in input order, so two engine versions can be checked for identical results.
    parser.add_argument(
        "--dump-hashes",
        type=Path,
        default=None,
        help="write one sha256 per principal (with --scps, that run's to FILE.scps)",
    )
    parser.add_argument(
        "--scps",
        action="store_true",
        help="then run again inside a 3-level OU tree with 20 SCPs, in a fresh process (cold caches)",
    )
    parser.add_argument("--only-scps", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--accounts", type=int, default=54, help="accounts of the organization (with --scps)")
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

    if args.only_scps:
        _report_scps(principals, args.accounts, args.dump_hashes)
        return
    results, entries, findings, elapsed, cpu = run(principals, None)
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
    if args.scps:
        print(
            "reference above: the same principals without SCPs; goal with SCPs: <= 30 s cpu, peak RSS < 2 GB"
        )
        sys.stdout.flush()
        cmd = [sys.executable, __file__, "--only-scps", "--principals", str(args.principals)]
        cmd += ["--policies", str(args.policies), "--accounts", str(args.accounts)]
        if args.dump_hashes is not None:  # the run with SCPs writes its hashes beside, suffixed ".scps"
            cmd += ["--dump-hashes", str(args.dump_hashes.with_name(args.dump_hashes.name + ".scps"))]
        subprocess.run(cmd, check=True)


def _report_scps(principals: list[tuple[list[Doc], Doc | None]], accounts: int, dump: Path | None) -> None:
    capped, entries, findings, elapsed, cpu = run(principals, organization(accounts))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if dump is not None:
        dump.write_text("".join(f"{r.sha256} {len(r.entries)}\n" for r in capped))
    print(
        f"with SCPs (3-level OU tree, {accounts} accounts, 20 SCPs): "
        f"unique_results={len({r.sha256 for r in capped})} entries total={entries} "
        f"escalation_findings={findings}"
    )
    print(
        f"wall={elapsed:.1f}s cpu={cpu:.1f}s ({1000 * cpu / max(1, len(capped)):.2f} ms cpu/principal) "
        f"peak_rss={peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
