"""Admin-equivalence and escalation-path detection on AWS effective permissions."""

from __future__ import annotations

from typing import Any

from analysis.privileges.aws import effective_permissions
from analysis.privileges.escalation import escalation_paths, is_admin

ADMINISTRATOR_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def doc(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource, **extra}],
    }


def names(perms_docs: list[dict[str, Any]], self_arn: str | None = None) -> list[str]:
    return [f.name for f in escalation_paths(effective_permissions(perms_docs), self_arn)]


def test_administrator_access_is_admin() -> None:
    assert is_admin(effective_permissions([ADMINISTRATOR_ACCESS]))
    assert names([ADMINISTRATOR_ACCESS]) == ["admin"]


def test_iam_star_is_admin() -> None:
    assert is_admin(effective_permissions([doc("iam:*")]))


def test_attach_policy_to_self_is_admin() -> None:
    me = "arn:aws:iam::1:user/me"
    assert is_admin(effective_permissions([doc("iam:AttachUserPolicy", me)]), self_arn=me)
    assert not is_admin(effective_permissions([doc("iam:AttachUserPolicy", "arn:aws:iam::1:user/other")]), me)


def test_read_only_is_not_admin() -> None:
    perms = effective_permissions([doc(["s3:Get*", "ec2:Describe*"])])
    assert not is_admin(perms) and escalation_paths(perms) == []


def test_pass_role_and_run_instances() -> None:
    found = escalation_paths(effective_permissions([doc(["iam:PassRole", "ec2:RunInstances"])]))
    assert [f.name for f in found] == ["pass-role-ec2"]
    assert found[0].enabled_by == ("iam:passrole", "ec2:runinstances") and not found[0].conditional


def test_pass_role_alone_is_not_enough() -> None:
    assert names([doc("iam:PassRole")]) == []


def test_lambda_and_cloudformation_variants() -> None:
    got = names(
        [
            doc(
                [
                    "iam:PassRole",
                    "lambda:CreateFunction",
                    "lambda:InvokeFunction",
                    "cloudformation:CreateStack",
                ]
            )
        ]
    )
    assert got == ["pass-role-cloudformation", "pass-role-lambda-invoke"]


def test_create_access_key_only_on_self_is_not_escalation() -> None:
    assert names([doc("iam:CreateAccessKey", "arn:aws:iam::1:user/${aws:username}")]) == []
    assert names([doc("iam:CreateAccessKey", "arn:aws:iam::1:user/*")]) == ["create-access-key"]


def test_conditional_grant_makes_conditional_finding() -> None:
    cond = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    [finding] = escalation_paths(effective_permissions([doc("iam:CreatePolicyVersion", Condition=cond)]))
    assert finding.name == "create-policy-version" and finding.conditional
