"""Known-answer tests for the AWS effective-permission engine."""

from __future__ import annotations

from typing import Any

from analysis.privileges.aws import effective_permissions
from analysis.privileges.aws_model import EffectivePermissions

ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def test_explicit_deny_beats_allow() -> None:
    perms = effective_permissions([doc(allow("s3:GetObject")), doc(deny("s3:GetObject"))])
    assert perms.allows("s3:GetObject", "arn:aws:s3:::bucket/key") is False
    assert perms.entries_as_strings() == []


def test_deny_on_narrower_resource_leaves_an_exception() -> None:
    perms = effective_permissions([doc(allow("s3:GetObject"), deny("s3:GetObject", "arn:aws:s3:::secret/*"))])
    assert perms.entries_as_strings() == ["s3:getobject on * except arn:aws:s3:::secret/*"]
    assert perms.allows("s3:GetObject", "arn:aws:s3:::secret/k") is False
    assert perms.allows("s3:GetObject", "arn:aws:s3:::public/k") is True


def test_deny_of_one_action_splits_a_service_wildcard() -> None:
    perms = effective_permissions([doc(allow("s3:*"), deny("s3:DeleteBucket"))])
    strings = perms.entries_as_strings()
    assert "s3:deletebucket on *" not in strings and "s3:*" not in {e.action for e in perms.entries}
    assert perms.allows("s3:PutObject", "arn:aws:s3:::b/k") is True
    assert perms.allows("s3:DeleteBucket", "arn:aws:s3:::b") is False


def test_not_action_allows_everything_but_iam() -> None:
    perms = effective_permissions([doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})])
    assert perms.allows("iam:CreateUser", "*") is False
    assert perms.allows("s3:GetObject", "arn:aws:s3:::bucket/key") is True
    assert "s3:* on *" in perms.entries_as_strings()
    assert all(not e.action.startswith("iam:") for e in perms.entries)


def test_partial_wildcard_expands_to_real_actions() -> None:
    actions = {e.action for e in effective_permissions([doc(allow("s3:Get*"))]).entries}
    assert {"s3:getobject", "s3:getbucketpolicy", "s3:getobjectversion"} <= actions
    assert "s3:putobject" not in actions and "s3:get*" not in actions


def test_action_names_are_case_insensitive() -> None:
    a = effective_permissions([doc(allow("S3:GETOBJECT"))])
    b = effective_permissions([doc(allow("s3:GetObject"))])
    assert a == b and a.sha256 == b.sha256
    assert a.allows("s3:getobject", "x") is True


def test_resource_scoping() -> None:
    perms = effective_permissions(
        [doc(allow(["s3:GetObject", "s3:ListBucket"], ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]))]
    )
    assert perms.allows("s3:GetObject", "arn:aws:s3:::data/report.csv") is True
    assert perms.allows("s3:GetObject", "arn:aws:s3:::other/report.csv") is False
    assert perms.allows("s3:GetObject", "arn:aws:s3:::data-backup/x") is False


def test_question_mark_matches_one_character() -> None:
    perms = effective_permissions([doc(allow("s3:GetObject", "arn:aws:s3:::log?/*"))])
    assert perms.allows("s3:GetObject", "arn:aws:s3:::log1/a") is True
    assert perms.allows("s3:GetObject", "arn:aws:s3:::log12/a") is False


def test_not_resource_becomes_exceptions() -> None:
    perms = effective_permissions(
        [doc({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"})]
    )
    assert perms.entries_as_strings() == ["s3:getobject on * except arn:aws:s3:::secret/*"]


def test_permissions_boundary_intersects() -> None:
    identity = [doc(allow(["s3:*", "iam:*", "ec2:DescribeInstances"]))]
    boundary = doc(allow("s3:*", "arn:aws:s3:::team-*"), allow("ec2:Describe*"))
    perms = effective_permissions(identity, boundary)
    assert perms.allows("s3:GetObject", "arn:aws:s3:::team-a/k") is True
    assert perms.allows("s3:GetObject", "arn:aws:s3:::other/k") is False
    assert perms.allows("iam:CreateUser", "*") is False
    assert perms.allows("ec2:DescribeInstances", "*") is True
    assert perms.allows("ec2:DescribeVolumes", "*") is False  # boundary allows it, identity does not


def test_boundary_deny_applies() -> None:
    boundary = doc(allow("*"), deny("iam:*"))
    perms = effective_permissions([ADMIN], boundary)
    assert perms.allows("iam:CreateUser", "*") is False
    assert perms.allows("ec2:RunInstances", "*") is True


def test_group_policies_count_for_the_user() -> None:
    perms = effective_permissions(
        [doc(allow("sqs:SendMessage"))], group_policies=[doc(allow("s3:GetObject"))]
    )
    assert perms.allows("s3:GetObject", "arn:aws:s3:::b/k") is True
    assert perms.allows("sqs:SendMessage", "arn:aws:sqs:eu-west-1:1:q") is True


def test_conditional_allow_is_kept_and_shown() -> None:
    cond = {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}}
    perms = effective_permissions([doc(allow("s3:GetObject", Condition=cond))])
    assert perms.entries[0].condition == '{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}'
    assert perms.entries_as_strings() == [
        's3:getobject on * (if {"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})'
    ]
    assert perms.allows("s3:GetObject", "arn:aws:s3:::b/k") == "conditional"


def test_unconditional_allow_wins_over_conditional_one() -> None:
    cond = {"Bool": {"aws:SecureTransport": "true"}}
    perms = effective_permissions([doc(allow("s3:GetObject", Condition=cond)), doc(allow("s3:GetObject"))])
    assert perms.entries_as_strings() == ["s3:getobject on *"]
    assert perms.allows("s3:GetObject", "x") is True


def test_conditional_deny_is_noted_not_applied() -> None:
    cond = {"Bool": {"aws:MultiFactorAuthPresent": "false"}}
    perms = effective_permissions([doc(allow("s3:GetObject"), deny("s3:GetObject", Condition=cond))])
    assert len(perms.entries) == 1 and perms.entries[0].deny_conditions
    assert "unless denied" in perms.entries_as_strings()[0]
    assert perms.allows("s3:GetObject", "arn:aws:s3:::b/k") == "conditional"


def test_admin_policy_is_compact_and_subsumes_others() -> None:
    perms = effective_permissions(
        [ADMIN, doc(allow("s3:Get*")), doc(allow("iam:PassRole", "arn:aws:iam::1:role/x"))]
    )
    assert perms.entries_as_strings() == ["* on *"]


def test_whole_service_stays_a_wildcard() -> None:
    assert effective_permissions([doc(allow("ec2:*"))]).entries_as_strings() == ["ec2:* on *"]


def test_statement_as_dict_and_strings() -> None:
    perms = effective_permissions(
        [
            {
                "Version": "2012-10-17",
                "Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"},
            }
        ]
    )
    assert perms.entries_as_strings() == ["sqs:sendmessage on *"]


def test_hash_is_stable_and_order_independent() -> None:
    a = effective_permissions(
        [doc(allow("s3:GetObject")), doc(allow("sqs:SendMessage", "arn:aws:sqs:*:1:q"))]
    )
    b = effective_permissions(
        [doc(allow("sqs:SendMessage", "arn:aws:sqs:*:1:q")), doc(allow("s3:GetObject"))]
    )
    assert a.sha256 == b.sha256 and len(a.sha256) == 64
    assert EffectivePermissions.from_compact(a.to_compact()) == a


def test_url_encoded_document_from_the_api() -> None:
    encoded = (
        "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C"
        "%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22*%22%7D%5D%7D"
    )
    assert effective_permissions([encoded]).entries_as_strings() == ["s3:getobject on *"]
