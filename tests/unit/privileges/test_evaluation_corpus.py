"""Table-driven evaluation corpus: the providers' documented evaluation examples, each with the decision
the documentation gives, run through the engine (``effective_permissions`` → ``allows`` / ``reach``).

Sources, cited per case: [EVAL] AWS IAM "Policy evaluation logic" and "Determining whether a request is
allowed or denied within an account"; [BOUND] "Permissions boundaries for IAM entities"; [SCP] AWS
Organizations "Service control policies" and "SCP evaluation"; [RCP] "Resource control policies";
[RES] "IAM JSON policy elements: Resource" (wildcards, case sensitivity); [S3] "Policy resources for
Amazon S3"; [SM] Secrets Manager "Resource-based and identity-based policies" (the 6-character suffix);
[RDS] "Creating and using an IAM policy for IAM database access"; [KMS] "Using aliases to control access
to KMS keys"; [GLOB] pattern-vs-pattern overlap, the intersection the resource-set checks rely on;
[GCP-ORGPOL] Organization Policy "Understanding hierarchy evaluation" (inheritFromParent, restoreDefault,
list merges); [GCP-DENY] IAM "Deny policies" (principal identifiers, exception principals and permissions,
denial conditions, permission format ``service.googleapis.com/resource.verb``).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest

from analysis.privileges.aws import effective_permissions, level_statements
from analysis.privileges.globs import globs_may_overlap
from analysis.privileges.guardrails import RequestContext, resolve

ORG = "o-a1b2c3d4e5"
B = "arn:aws:s3:::amzn-s3-demo-bucket"
SECRET = "arn:aws:secretsmanager:us-west-2:111122223333:secret"
DBUSER = "arn:aws:rds-db:us-east-2:111122223333:dbuser:db-ABCDEFGHIJKL01234"
KEY = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


FULL = doc(allow("*"))
RCP_ORG_ONLY = doc(
    {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {
            "StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG},
            "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
        },
    }
)


class Case(NamedTuple):
    source: str
    identity: list[dict[str, Any]]
    action: str
    resource: str
    expected: bool | str
    boundary: dict[str, Any] | None = None
    scps: list[list[dict[str, Any]]] = []  # noqa: RUF012 - a NamedTuple default, never mutated
    set_target: bool = False  # resource is a *set* (pattern): resource-set intersection via reach()


CASES: dict[str, Case] = {
    # -- identity policies within one account [EVAL] -------------------------------------------------
    "implicit-deny-no-policy": Case("EVAL", [], "s3:GetObject", f"{B}/k", False),
    "allow-on-object": Case("EVAL", [doc(allow("s3:GetObject", f"{B}/*"))], "s3:GetObject", f"{B}/k", True),
    "explicit-deny-wins": Case(
        "EVAL", [doc(allow("s3:*")), doc(deny("s3:GetObject"))], "s3:GetObject", f"{B}/k", False
    ),
    "deny-other-action-leaves-allow": Case(
        "EVAL", [doc(allow("s3:*"), deny("s3:DeleteObject"))], "s3:GetObject", f"{B}/k", True
    ),
    "deny-other-action-denied": Case(
        "EVAL", [doc(allow("s3:*"), deny("s3:DeleteObject"))], "s3:DeleteObject", f"{B}/k", False
    ),
    "allow-other-service-only": Case("EVAL", [doc(allow("ec2:*"))], "s3:GetObject", f"{B}/k", False),
    "action-wildcard-prefix": Case("EVAL", [doc(allow("s3:Get*"))], "s3:GetObject", f"{B}/k", True),
    "action-wildcard-prefix-miss": Case("EVAL", [doc(allow("s3:Get*"))], "s3:PutObject", f"{B}/k", False),
    "action-case-insensitive": Case("EVAL", [doc(allow("S3:getobject"))], "s3:GetObject", f"{B}/k", True),
    "not-action-allows-the-rest": Case(
        "EVAL",
        [doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})],
        "s3:GetObject",
        f"{B}/k",
        True,
    ),
    "not-action-excludes-iam": Case(
        "EVAL",
        [doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})],
        "iam:CreateUser",
        "arn:aws:iam::111122223333:user/x",
        False,
    ),
    "not-resource-deny-spares-bucket": Case(
        "EVAL",
        [doc(allow("s3:*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": [B, f"{B}/*"]})],
        "s3:GetObject",
        f"{B}/k",
        True,
    ),
    "not-resource-deny-hits-others": Case(
        "EVAL",
        [doc(allow("s3:*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": [B, f"{B}/*"]})],
        "s3:GetObject",
        "arn:aws:s3:::other/k",
        False,
    ),
    "conditional-allow": Case(
        "EVAL",
        [doc(allow("s3:GetObject", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))],
        "s3:GetObject",
        f"{B}/k",
        "conditional",
    ),
    "conditional-deny": Case(
        "EVAL",
        [doc(allow("s3:*"), deny("s3:*", Condition={"Bool": {"aws:SecureTransport": "false"}}))],
        "s3:GetObject",
        f"{B}/k",
        "conditional",
    ),
    "deny-narrower-resource": Case(
        "EVAL",
        [doc(allow("s3:GetObject"), deny("s3:GetObject", f"{B}/private/*"))],
        "s3:GetObject",
        f"{B}/private/k",
        False,
    ),
    "deny-narrower-resource-elsewhere": Case(
        "EVAL",
        [doc(allow("s3:GetObject"), deny("s3:GetObject", f"{B}/private/*"))],
        "s3:GetObject",
        f"{B}/public/k",
        True,
    ),
    # -- permissions boundaries [BOUND] ------------------------------------------------------------
    "boundary-caps-identity": Case(
        "BOUND",
        [doc(allow("iam:CreateUser"))],
        "iam:CreateUser",
        "arn:aws:iam::111122223333:user/x",
        False,
        boundary=doc(allow(["s3:*", "cloudwatch:*", "ec2:*"])),
    ),
    "boundary-and-identity-allow": Case(
        "BOUND", [doc(allow("ec2:*"))], "ec2:RunInstances", "*", True, boundary=doc(allow(["s3:*", "ec2:*"]))
    ),
    "boundary-alone-grants-nothing": Case(
        "BOUND",
        [doc(allow("ec2:*"))],
        "s3:GetObject",
        f"{B}/k",
        False,
        boundary=doc(allow(["s3:*", "ec2:*"])),
    ),
    "boundary-deny-wins": Case(
        "BOUND", [FULL], "s3:DeleteBucket", B, False, boundary=doc(allow("*"), deny("s3:DeleteBucket"))
    ),
    # -- service control policies [SCP] ------------------------------------------------------------
    "scp-full-access-keeps-identity": Case(
        "SCP", [doc(allow("s3:GetObject"))], "s3:GetObject", f"{B}/k", True, scps=[[FULL], [FULL]]
    ),
    "scp-grants-nothing-by-itself": Case("SCP", [], "s3:GetObject", f"{B}/k", False, scps=[[FULL], [FULL]]),
    "scp-allow-list-without-service": Case(
        "SCP", [FULL], "iam:CreateUser", "*", False, scps=[[FULL], [doc(allow(["s3:*", "ec2:*"]))]]
    ),
    "scp-allow-list-with-service": Case(
        "SCP", [FULL], "ec2:RunInstances", "*", True, scps=[[FULL], [doc(allow(["s3:*", "ec2:*"]))]]
    ),
    "scp-every-level-must-allow": Case(
        "SCP", [FULL], "s3:GetObject", f"{B}/k", False, scps=[[FULL], [doc(allow("ec2:*"))], [FULL]]
    ),
    "scp-level-union-of-policies": Case(
        "SCP",
        [FULL],
        "s3:GetObject",
        f"{B}/k",
        True,
        scps=[[FULL], [doc(allow("ec2:*")), doc(allow("s3:*"))]],
    ),
    "scp-deny-beats-admin": Case(
        "SCP",
        [FULL],
        "organizations:LeaveOrganization",
        "*",
        False,
        scps=[[FULL, doc(deny("organizations:LeaveOrganization"))]],
    ),
    "scp-deny-at-ou-beats-account-allow": Case(
        "SCP",
        [FULL],
        "s3:DeleteBucket",
        B,
        False,
        scps=[[FULL], [FULL, doc(deny("s3:DeleteBucket"))], [FULL]],
    ),
    "scp-deny-other-action": Case(
        "SCP", [FULL], "s3:GetObject", f"{B}/k", True, scps=[[FULL, doc(deny("s3:DeleteBucket"))]]
    ),
    "scp-region-deny-conditional": Case(
        "SCP",
        [FULL],
        "ec2:RunInstances",
        "*",
        "conditional",
        scps=[
            [
                FULL,
                doc(
                    {
                        "Effect": "Deny",
                        "NotAction": ["iam:*", "sts:*"],
                        "Resource": "*",
                        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
                    }
                ),
            ]
        ],
    ),
    "scp-region-deny-spares-global": Case(
        "SCP",
        [FULL],
        "iam:GetUser",
        "*",
        True,
        scps=[
            [
                FULL,
                doc(
                    {
                        "Effect": "Deny",
                        "NotAction": ["iam:*", "sts:*"],
                        "Resource": "*",
                        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
                    }
                ),
            ]
        ],
    ),
    "scp-resource-scoped-deny": Case(
        "SCP", [FULL], "s3:GetObject", f"{B}/k", False, scps=[[FULL, doc(deny("s3:*", [B, f"{B}/*"]))]]
    ),
    "scp-resource-scoped-deny-elsewhere": Case(
        "SCP",
        [FULL],
        "s3:GetObject",
        "arn:aws:s3:::other/k",
        True,
        scps=[[FULL, doc(deny("s3:*", [B, f"{B}/*"]))]],
    ),
    "scp-and-boundary-both-cap": Case(
        "SCP", [FULL], "s3:GetObject", f"{B}/k", False, boundary=doc(allow("ec2:*")), scps=[[FULL]]
    ),
    # -- resource patterns [RES] / [S3] ------------------------------------------------------------
    "res-question-mark-one-char": Case(
        "RES",
        [doc(allow("s3:GetObject", "arn:aws:s3:::log?/*"))],
        "s3:GetObject",
        "arn:aws:s3:::log1/a",
        True,
    ),
    "res-question-mark-not-two": Case(
        "RES",
        [doc(allow("s3:GetObject", "arn:aws:s3:::log?/*"))],
        "s3:GetObject",
        "arn:aws:s3:::log12/a",
        False,
    ),
    "res-case-sensitive": Case(
        "RES",
        [doc(allow("s3:GetObject", "arn:aws:s3:::Demo/*"))],
        "s3:GetObject",
        "arn:aws:s3:::demo/k",
        False,
    ),
    "res-star-crosses-slash": Case(
        "RES", [doc(allow("s3:GetObject", f"{B}/*"))], "s3:GetObject", f"{B}/a/b/c", True
    ),
    "s3-bucket-arn-is-not-objects": Case(
        "S3", [doc(allow("s3:GetObject", B))], "s3:GetObject", f"{B}/*", False, set_target=True
    ),
    "s3-prefix-grant-reaches-bucket": Case(
        "S3", [doc(allow("s3:GetObject", f"{B}/exports/*"))], "s3:GetObject", f"{B}/*", True, set_target=True
    ),
    "s3-any-bucket-prefix": Case(
        "S3",
        [doc(allow("s3:GetObject", "arn:aws:s3:::*/exports/*"))],
        "s3:GetObject",
        f"{B}/*",
        True,
        set_target=True,
    ),
    "s3-bucket-name-wildcard": Case(
        "S3",
        [doc(allow("s3:GetObject", "arn:aws:s3:::amzn-s3-*"))],
        "s3:GetObject",
        f"{B}/*",
        True,
        set_target=True,
    ),
    "s3-other-bucket-prefix": Case(
        "S3",
        [doc(allow("s3:GetObject", "arn:aws:s3:::other-bucket/*"))],
        "s3:GetObject",
        f"{B}/*",
        False,
        set_target=True,
    ),
    "s3-deny-covers-prefix-grant": Case(
        "S3",
        [doc(allow("s3:GetObject", f"{B}/exports/*"), deny("s3:*", f"{B}/*"))],
        "s3:GetObject",
        f"{B}/*",
        False,
        set_target=True,
    ),
    "s3-deny-part-keeps-rest": Case(
        "S3",
        [doc(allow("s3:GetObject", f"{B}/*"), deny("s3:*", f"{B}/private/*"))],
        "s3:GetObject",
        f"{B}/*",
        True,
        set_target=True,
    ),
    "s3-conditional-prefix": Case(
        "S3",
        [
            doc(
                allow(
                    "s3:GetObject",
                    f"{B}/exports/*",
                    Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
                )
            )
        ],
        "s3:GetObject",
        f"{B}/*",
        "conditional",
        set_target=True,
    ),
    # -- Secrets Manager name patterns [SM] --------------------------------------------------------
    "sm-six-question-marks": Case(
        "SM",
        [doc(allow("secretsmanager:GetSecretValue", f"{SECRET}:prod/db-??????"))],
        "secretsmanager:GetSecretValue",
        f"{SECRET}:prod/db-AbCdEf",
        True,
    ),
    "sm-bare-name-does-not-match": Case(
        "SM",
        [doc(allow("secretsmanager:GetSecretValue", f"{SECRET}:prod/db"))],
        "secretsmanager:GetSecretValue",
        f"{SECRET}:prod/db-AbCdEf",
        False,
    ),
    "sm-name-prefix-star": Case(
        "SM",
        [doc(allow("secretsmanager:GetSecretValue", f"{SECRET}:prod/*"))],
        "secretsmanager:GetSecretValue",
        f"{SECRET}:prod/db-AbCdEf",
        True,
    ),
    "sm-suffix-pattern-not-longer-name": Case(
        "SM",
        [doc(allow("secretsmanager:GetSecretValue", f"{SECRET}:prod/db-??????"))],
        "secretsmanager:GetSecretValue",
        f"{SECRET}:prod/db-extra-AbCdEf",
        False,
    ),
    "sm-other-path": Case(
        "SM",
        [doc(allow("secretsmanager:GetSecretValue", f"{SECRET}:prod/*"))],
        "secretsmanager:GetSecretValue",
        f"{SECRET}:dev/db-AbCdEf",
        False,
    ),
    "sm-star-suffix": Case(
        "SM",
        [doc(allow("secretsmanager:GetSecretValue", f"{SECRET}:prod/db*"))],
        "secretsmanager:GetSecretValue",
        f"{SECRET}:prod/db-AbCdEf",
        True,
    ),
    # -- RDS IAM database users [RDS] --------------------------------------------------------------
    "rds-one-user-reaches-instance": Case(
        "RDS",
        [doc(allow("rds-db:connect", f"{DBUSER}/db_user"))],
        "rds-db:connect",
        f"{DBUSER}/*",
        True,
        set_target=True,
    ),
    "rds-any-instance-one-user": Case(
        "RDS",
        [doc(allow("rds-db:connect", "arn:aws:rds-db:us-east-2:111122223333:dbuser:*/db_user"))],
        "rds-db:connect",
        f"{DBUSER}/*",
        True,
        set_target=True,
    ),
    "rds-other-instance": Case(
        "RDS",
        [doc(allow("rds-db:connect", "arn:aws:rds-db:us-east-2:111122223333:dbuser:db-OTHER/*"))],
        "rds-db:connect",
        f"{DBUSER}/*",
        False,
        set_target=True,
    ),
    "rds-other-region": Case(
        "RDS",
        [doc(allow("rds-db:connect", "arn:aws:rds-db:us-west-1:111122223333:dbuser:*/*"))],
        "rds-db:connect",
        f"{DBUSER}/*",
        False,
        set_target=True,
    ),
    # -- KMS keys [KMS] ----------------------------------------------------------------------------
    "kms-key-wildcard": Case(
        "KMS",
        [doc(allow("kms:Decrypt", "arn:aws:kms:us-west-2:111122223333:key/*"))],
        "kms:Decrypt",
        KEY,
        True,
    ),
    "kms-alias-does-not-grant-key": Case(
        "KMS",
        [doc(allow("kms:Decrypt", "arn:aws:kms:us-west-2:111122223333:alias/app"))],
        "kms:Decrypt",
        KEY,
        False,
    ),
    "kms-other-account": Case(
        "KMS", [doc(allow("kms:Decrypt", "arn:aws:kms:*:444455556666:key/*"))], "kms:Decrypt", KEY, False
    ),
}


def _decide(case: Case) -> bool | str:
    levels = tuple(level_statements(level) for level in case.scps)
    perms = effective_permissions(case.identity, case.boundary, scp_levels=levels)
    if case.set_target:
        return perms.reach(case.action, case.resource)[0]
    return perms.allows(case.action, case.resource)


@pytest.mark.parametrize("name", sorted(CASES))
def test_documented_decision(name: str) -> None:
    case = CASES[name]
    assert _decide(case) == case.expected, f"[{case.source}] {name}"


# -- RCPs: conditions on organization keys are decided for a known principal [RCP] -----------------------
RCP_CASES = {
    "rcp-in-org-principal-allowed": (RequestContext(ORG, "111122223333", ORG, "111122223333"), True),
    "rcp-outside-principal-denied": (
        RequestContext("o-other00000", "444455556666", ORG, "111122223333"),
        False,
    ),
    "rcp-no-org-principal-denied": (RequestContext(None, "444455556666", ORG, "111122223333"), False),
}


@pytest.mark.parametrize("name", sorted(RCP_CASES))
def test_rcp_org_identity_perimeter(name: str) -> None:
    ctx, expected = RCP_CASES[name]
    levels = (level_statements([resolve(doc(allow("*")), ctx), resolve(RCP_ORG_ONLY, ctx)]),)
    perms = effective_permissions([doc(allow("s3:GetObject", f"{B}/*"))], scp_levels=levels)
    assert perms.allows("s3:GetObject", f"{B}/k") is expected


# -- pattern-vs-pattern overlap [GLOB]: exact with * and ? on both sides ----------------------------------
OVERLAPS = [
    ("a*", "*b", True),  # "ab"
    ("a*b", "*c", False),
    ("a?c", "a*", True),
    ("ab*", "ac*", False),
    ("*x*", "*y*", True),  # "xy"
    ("a?", "?b", True),  # "ab"
    ("a?", "??b", False),  # lengths 2 and 3
    ("a*z", "a?z", True),
    ("a*b*c", "*d*", True),  # "abdc"
    ("x/*/y", "x/a/*", True),
    ("x/*/y", "z/*", False),
    ("a", "a", True),
    ("a", "b", False),
    ("*", "anything", True),
    ("?", "", False),
    ("a*a", "a", False),  # needs at least two characters
    ("*ab", "*ba", False),  # the literal suffixes disagree
    ("*ab*", "*ba*", True),  # "aba"
]


@pytest.mark.parametrize(("a", "b", "expected"), OVERLAPS)
def test_glob_overlap(a: str, b: str, expected: bool) -> None:
    assert globs_may_overlap(a, b) is expected
    assert globs_may_overlap(b, a) is expected


def test_corpus_size() -> None:
    assert len(CASES) + len(RCP_CASES) + len(OVERLAPS) >= 60


# -- GCP organization policy hierarchy evaluation [GCP-ORGPOL: "Understanding hierarchy evaluation"] ---------
def _pol(resource: str, **fields: Any) -> dict[str, Any]:
    base = {"resource": resource, "kind": "boolean", "enforced": False, "reset": False}
    return {**base, **fields}


ORGPOL_CASES: dict[str, tuple[list[dict[str, Any] | None], dict[str, Any]]] = {
    "bool-inherited-from-org": ([_pol("organizations/1", enforced=True), None, None], {"enforced": True}),
    "bool-project-overrides": (
        [_pol("organizations/1", enforced=True), None, _pol("projects/p", enforced=False)],
        {"enforced": False},
    ),
    "bool-folder-overrides-then-project-unset": (
        [_pol("organizations/1"), _pol("folders/2", enforced=True), None],
        {"enforced": True},
    ),
    "bool-restore-default": (
        [_pol("organizations/1", enforced=True), None, _pol("projects/p", kind="reset", reset=True)],
        {"enforced": False},
    ),
    "list-replace-without-inherit": (
        [
            _pol("organizations/1", kind="list", allowed_values=["A"]),
            None,
            _pol("projects/p", kind="list", allowed_values=["B"]),
        ],
        {"allowed": {"B"}},
    ),
    "list-merge-with-inherit": (
        [
            _pol("organizations/1", kind="list", allowed_values=["A"]),
            None,
            _pol("projects/p", kind="list", allowed_values=["B"], inherit_from_parent=True),
        ],
        {"allowed": {"A", "B"}},
    ),
    "list-parent-deny-survives-merge": (
        [
            _pol("organizations/1", kind="list", denied_values=["X"]),
            None,
            _pol("projects/p", kind="list", allowed_values=["X", "Y"], inherit_from_parent=True),
        ],
        {"allowed": {"Y"}, "denied": {"X"}},
    ),
    "list-reset-to-allow-all": (
        [
            _pol("organizations/1", kind="list", all_values="DENY"),
            _pol("folders/2", kind="reset", reset=True),
            None,
        ],
        {"all_values": None, "allowed": set()},
    ),
    "conditional-rule-marks-result": (
        [_pol("organizations/1", enforced=True, conditional=True), None, None],
        {"enforced": True, "conditional": True},
    ),
}


@pytest.mark.parametrize("name", sorted(ORGPOL_CASES))
def test_gcp_org_policy_merge(name: str) -> None:
    from analysis.privileges.gcp_org_policy import merge

    chain, expected = ORGPOL_CASES[name]
    got = merge("c", chain)
    for key, value in expected.items():
        assert getattr(got, key) == value, (name, key, got)


# -- GCP IAM deny policies [GCP-DENY: "Deny policies", principal identifiers, permission formats] ----------
def _deny(principals: list[str], permissions: list[str], **extra: Any) -> str:
    rule: dict[str, Any] = {"deniedPrincipals": principals, "deniedPermissions": permissions, **extra}
    return json.dumps([{"denyRule": rule}])


BUCKET_ADMIN = frozenset({"storage.buckets.delete", "storage.buckets.get", "resourcemanager.projects.get"})
DENY_CASES: dict[str, tuple[str, str, str, str]] = {
    # name: (member, attachment, rules JSON, expected outcome: kept | removed | partial | conditional)
    "user-subject-all-perms-removed": (
        "user:eve@example.com",
        "folders/2",
        _deny(
            ["principal://goog/subject/eve@example.com"],
            ["storage.googleapis.com/*", "cloudresourcemanager.googleapis.com/*"],
        ),
        "removed",
    ),
    "public-all-names-everyone-partial": (
        "user:bob@example.com",
        "organizations/1",
        _deny(["principalSet://goog/public:all"], ["storage.googleapis.com/buckets.delete"]),
        "partial",
    ),
    "exception-principal-spared": (
        "group:admins@example.com",
        "organizations/1",
        _deny(
            ["principalSet://goog/public:all"],
            ["storage.googleapis.com/buckets.delete"],
            exceptionPrincipals=["principalSet://goog/group/admins@example.com"],
        ),
        "kept",
    ),
    "group-rule-does-not-reach-user": (
        "user:bob@example.com",
        "organizations/1",
        _deny(["principalSet://goog/group/admins@example.com"], ["storage.googleapis.com/*"]),
        "kept",
    ),
    "service-account-identifier": (
        "serviceAccount:ci@p.iam.gserviceaccount.com",
        "projects/p",
        _deny(
            ["principal://iam.googleapis.com/projects/-/serviceAccounts/ci@p.iam.gserviceaccount.com"],
            ["storage.googleapis.com/*", "cloudresourcemanager.googleapis.com/projects.get"],
        ),
        "removed",
    ),
    "exception-permission-keeps-grant": (
        "user:eve@example.com",
        "organizations/1",
        _deny(
            ["principal://goog/subject/eve@example.com"],
            ["storage.googleapis.com/*", "cloudresourcemanager.googleapis.com/*"],
            exceptionPermissions=["storage.googleapis.com/buckets.get"],
        ),
        "partial",
    ),
    "denial-condition-keeps-grant": (
        "user:eve@example.com",
        "organizations/1",
        _deny(
            ["principal://goog/subject/eve@example.com"],
            ["storage.googleapis.com/*", "cloudresourcemanager.googleapis.com/*"],
            denialCondition={"expression": "resource.matchTag('1/env', 'prod')"},
        ),
        "conditional",
    ),
    "other-project-attachment-unrelated": (
        "user:eve@example.com",
        "projects/other",
        _deny(["principal://goog/subject/eve@example.com"], ["storage.googleapis.com/*"]),
        "kept",
    ),
}


@pytest.mark.parametrize("name", sorted(DENY_CASES))
def test_gcp_deny_policy(name: str) -> None:
    from analysis.privileges.gcp import GcpGrant, GcpPermissions
    from analysis.privileges.gcp_deny import apply_deny, rules_of

    member, attachment, rules_json, expected = DENY_CASES[name]
    parents = {"projects/p": "folders/2", "folders/2": "organizations/1"}
    grant = GcpGrant("roles/bucketAdmin", "projects/p", "projects/p")
    rules = {attachment: rules_of("policy", attachment, rules_json)}
    perms, notes = apply_deny(
        member, GcpPermissions(member, [grant]), rules, parents, {"roles/bucketAdmin": BUCKET_ADMIN}
    )
    outcome = {
        "removed": not perms.grants,
        "partial": perms.grants == (grant,) and any("permissions denied" in n for n in notes),
        "conditional": perms.grants == (grant,) and any("conditionally denied" in n for n in notes),
        "kept": perms.grants == (grant,) and notes == [],
    }
    assert outcome[expected], (name, perms.grants, notes)


def test_corpus_size_with_gcp() -> None:
    assert len(CASES) + len(RCP_CASES) + len(ORGPOL_CASES) + len(DENY_CASES) >= 60
