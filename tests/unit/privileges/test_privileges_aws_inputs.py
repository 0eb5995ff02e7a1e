"""Inputs from get-account-authorization-details, Deny with NotResource, and memo-table safety."""

from __future__ import annotations

from typing import Any

from analysis.privileges.aws import effective_permissions
from analysis.privileges.aws_authdetails import principals_from_authorization_details

S3_READ = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}

DETAILS: dict[str, Any] = {
    "UserDetailList": [
        {
            "UserName": "alice",
            "Arn": "arn:aws:iam::1:user/alice",
            "GroupList": ["readers"],
            "UserPolicyList": [
                {
                    "PolicyName": "q",
                    "PolicyDocument": {
                        "Statement": {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}
                    },
                }
            ],
            "AttachedManagedPolicies": [],
        }
    ],
    "GroupDetailList": [
        {
            "GroupName": "readers",
            "Arn": "arn:aws:iam::1:group/readers",
            "GroupPolicyList": [],
            "AttachedManagedPolicies": [{"PolicyArn": "arn:aws:iam::1:policy/s3-read"}],
        }
    ],
    "RoleDetailList": [
        {
            "RoleName": "app",
            "Arn": "arn:aws:iam::1:role/app",
            "RolePolicyList": [],
            "AttachedManagedPolicies": [
                {"PolicyArn": "arn:aws:iam::1:policy/s3-read"},
                {"PolicyArn": "arn:aws:iam::aws:policy/Missing"},
            ],
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ec2.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ]
            },
        }
    ],
    "Policies": [
        {
            "Arn": "arn:aws:iam::1:policy/s3-read",
            "DefaultVersionId": "v2",
            "PolicyVersionList": [
                {"VersionId": "v1", "IsDefaultVersion": False, "Document": {"Statement": []}},
                {"VersionId": "v2", "IsDefaultVersion": True, "Document": S3_READ},
            ],
        }
    ],
}


def test_authorization_details_resolve_groups_managed_and_missing() -> None:
    principals = principals_from_authorization_details(DETAILS)
    alice = principals["arn:aws:iam::1:user/alice"].effective()
    assert alice.allows("s3:GetObject", "arn:aws:s3:::b/k") is True  # via the group's managed policy
    assert alice.allows("sqs:SendMessage", "arn:aws:sqs:eu-west-1:1:q") is True
    role = principals["arn:aws:iam::1:role/app"]
    assert role.missing_policies == ("arn:aws:iam::aws:policy/Missing",)
    assert role.trust_policy is not None and role.effective().allows("s3:GetObject", "x") is True


def test_deny_with_not_resource_keeps_only_the_spared_resources() -> None:
    doc = {
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::public/*"},
        ]
    }
    perms = effective_permissions([doc])
    assert perms.entries_as_strings() == ["s3:getobject on arn:aws:s3:::public/*"]


def test_shared_document_gives_independent_results_per_combination() -> None:
    deny_one_bucket = {
        "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret/*"}]
    }
    boundary = {
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secret/*"}]
    }
    plain = effective_permissions([S3_READ])
    denied = effective_permissions([S3_READ, deny_one_bucket])
    bounded = effective_permissions([S3_READ], boundary)
    assert plain.allows("s3:GetObject", "arn:aws:s3:::secret/k") is True
    assert denied.allows("s3:GetObject", "arn:aws:s3:::secret/k") is False
    assert bounded.entries_as_strings() == ["s3:getobject on arn:aws:s3:::secret/*"]
    assert effective_permissions([S3_READ]) is plain  # memoised per combination of documents
