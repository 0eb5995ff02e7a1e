"""Planted data-layer items (S3, Lambda URL, crown-jewel secret) and the IRSA trust policy helper."""

from __future__ import annotations

from typing import Any

from ingest.sample.aws_data import S3, add_function, add_secret, public_read_policy
from ingest.sample.aws_iam import doc
from ingest.sample.context import Ctx


def plant_data(ctx: Ctx, s3: S3, prefix: str, lambda_role: str) -> dict[str, Any]:
    m, acct = ctx.manifest, s3.acct
    scope = acct.account_id
    public = f"{prefix}-public-assets"
    s3.bucket(public, policy=public_read_policy(public), block_public=False)
    m.plant(
        "aws-s3-public-policy",
        "s3_bucket_public_by_policy",
        "aws",
        scope,
        public,
        public,
        'Bucket policy grants s3:GetObject to Principal "*"; public access block all false.',
    )
    acl = f"{prefix}-legacy-downloads"
    s3.bucket(acl, public_acl=True, block_public=None, days_old=2500)
    m.plant(
        "aws-s3-public-acl",
        "s3_bucket_public_by_acl",
        "aws",
        scope,
        acl,
        acl,
        "ACL grants READ to AllUsers; no public access block configured (get-public-access-block is {}).",
    )
    blocked = f"{prefix}-static-site-staging"
    s3.bucket(blocked, policy=public_read_policy(blocked), block_public=True)
    m.decoy(
        "decoy-s3-policy-blocked",
        "s3_bucket_public_by_policy",
        "aws",
        scope,
        blocked,
        blocked,
        "Public bucket policy, but all four public access block settings are true.",
    )
    crown = s3.bucket(f"{prefix}-customer-data", sse="aws:kms", days_old=1000)
    s3.bucket(f"{prefix}-legacy-reports-2019", days_old=2200)
    fn = add_function(ctx, acct, "us-east-1", "report-export", lambda_role, url_auth="NONE")
    m.plant(
        "aws-lambda-url-public",
        "lambda_function_url_public",
        "aws",
        scope,
        fn["FunctionArn"],
        "report-export",
        "Function URL with AuthType NONE.",
    )
    add_function(ctx, acct, "us-east-1", "webhook-receiver", lambda_role, url_auth="AWS_IAM")
    secret = add_secret(
        ctx, acct, "us-east-1", "prod/payments/db-credentials", "Payments database credentials"
    )
    return {"crown_bucket": crown, "crown_secret": secret}


def irsa_trust(account_id: str, region: str, oidc_id: str, namespace: str, sa: str) -> dict[str, Any]:
    provider = f"oidc.eks.{region}.amazonaws.com/id/{oidc_id}"
    return doc(
        {
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{account_id}:oidc-provider/{provider}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    f"{provider}:sub": f"system:serviceaccount:{namespace}:{sa}",
                    f"{provider}:aud": "sts.amazonaws.com",
                }
            },
        }
    )
