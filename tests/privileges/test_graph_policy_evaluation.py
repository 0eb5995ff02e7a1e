"""Known answers of the engine *through the graph path*: authorization details → real ingestion → Neo4j →
post-ingest step → stored PrincipalPermissions. One ingest holds every case (ingests are slow)."""

from __future__ import annotations

from pathlib import Path

from analysis.privileges.creep import show
from analysis.privileges.steps import LAST_REPORT
from graph import driver
from pipeline.run import ingest_snapshot
from tests.privileges.conftest import ACCOUNT, arn, doc, group, managed, role, user, write_iam_snapshot

S3_READ = doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"})
DENY_SECRET = doc(
    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret/*"},
)
NOT_ACTION = doc({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
SCOPED = doc(
    {
        "Effect": "Allow",
        "Action": "dynamodb:GetItem",
        "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
    }
)
BOUNDARY = doc({"Effect": "Allow", "Action": ["s3:*", "sqs:*"], "Resource": "*"})
ADMIN = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
ASSUME_ANY = doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
TRUST_ACCOUNT = doc(
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
)
TRUST_EC2 = doc(
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
)


def _pa(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:policy/{name}"


def details() -> dict[str, object]:
    return {
        "Policies": [
            managed("s3-read", S3_READ),
            managed("deny-secret", DENY_SECRET),
            managed("not-iam", NOT_ACTION),
            managed("scoped", SCOPED),
            managed("boundary", BOUNDARY),
            managed("admin", ADMIN),
            managed("assume-any", ASSUME_ANY),
        ],
        "GroupDetailList": [group("readers", [_pa("s3-read")])],
        "UserDetailList": [
            user("member", groups=["readers"]),
            user("denied", [_pa("deny-secret")]),
            user("notaction", [_pa("not-iam")]),
            user("scoped", [_pa("scoped")]),
            # Admin identity policy, boundary only s3/sqs: effective = s3:* + sqs:*.
            user("bounded", [_pa("admin")], boundary=_pa("boundary")),
            user("jumper", [_pa("assume-any")]),
            user(
                "wildcard",
                inline={"inline": doc({"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"})},
            ),
        ],
        "RoleDetailList": [
            role("target", TRUST_ACCOUNT, [_pa("admin")]),
            role("service", TRUST_EC2, [_pa("s3-read")]),
        ],
    }


def test_known_answers_through_the_graph(with_step: str, tmp_path: Path) -> None:
    report = ingest_snapshot(write_iam_snapshot(tmp_path / "d1", details(), "2026-11-01T06:00:00Z"))
    iam = {
        m.name: m.status.value for m in report.modules if m.name in ("aws.iam.policies", "aws.iam.principals")
    }
    assert iam == {"aws.iam.policies": "ok", "aws.iam.principals": "ok"}, report.as_json()
    assert LAST_REPORT[0].scopes["aws"] == [ACCOUNT]

    def entries(name: str, kind: str = "user") -> set[str]:
        return set(show(arn(kind, name))["entries"])

    # Group inheritance: the member holds its group's grants.
    assert entries("member") == {"s3:getobject on *", "s3:listbucket on *"}
    assert entries("readers", "group") == {"s3:getobject on *", "s3:listbucket on *"}
    # Explicit Deny beats Allow: the secret prefix is carved out.
    assert entries("denied") == {"s3:* on * except arn:aws:s3:::secret/*"}
    # NotAction: every service but iam / organizations.
    notaction = entries("notaction")
    assert "s3:* on *" in notaction and not any(e.startswith(("iam:", "organizations:")) for e in notaction)
    # Resource scoping is kept.
    assert entries("scoped") == {"dynamodb:getitem on arn:aws:dynamodb:eu-west-1:111122223333:table/orders"}
    # Boundary: admin identity policy cut down to the boundary.
    assert entries("bounded") == {"s3:* on *", "sqs:* on *"}
    # Partial wildcards are expanded to concrete actions.
    wildcard = entries("wildcard")
    assert "ec2:describeinstances on *" in wildcard and all(e.startswith("ec2:describe") for e in wildcard)

    target = show(arn("role", "target"))
    assert target["admin"] is True and target["entries"] == ["* on *"]
    assert show(arn("user", "bounded"))["admin"] is False
    # Trust of the account root + the caller's sts:AssumeRole: only jumper may assume "target".
    assert show(arn("user", "jumper"))["assumable_roles"] == [arn("role", "target")]
    assert show(arn("user", "member"))["assumable_roles"] == []

    # Node properties for exposure and controls.
    rows = driver.read(
        "MATCH (n:AWSPrincipal) WHERE n.admin_equivalent IS NOT NULL "
        "RETURN n.id AS id, n.admin_equivalent AS admin, n.escalation_paths AS esc"
    )
    flags = {r["id"]: (r["admin"], r["esc"]) for r in rows}
    assert flags[arn("role", "target")] == (True, [])
    assert flags[arn("user", "member")] == (False, [])
    assert "put-role-policy" not in flags[arn("user", "notaction")][1]  # iam:* excluded by NotAction
    assert len(flags) == 10  # 7 users, 1 group, 2 roles

    # One record per principal, with the indexes in place.
    n = driver.read("MATCH (r:PrincipalPermissions) RETURN count(r) AS n")[0]["n"]
    assert n == 10
    indexes = {r["name"] for r in driver.read("SHOW INDEXES YIELD name RETURN name")}
    assert {"principalpermissions_run", "principalpermissions_principal"} <= indexes
