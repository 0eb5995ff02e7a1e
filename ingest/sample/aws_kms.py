"""KMS keys of one account, as `aws kms list-keys` / `describe-key` / `get-key-policy` /
`get-key-rotation-status` print them: the customer keys that encrypt the sample's EBS volumes and RDS storage
(ids set in aws_env.py) and the AWS-managed `aws/s3` key.

The RDS key has rotation off, so `kms_key_rotation_disabled` has a finding in every account. Nothing here
draws from the seeded RNG (the managed key's id is derived from the account), so adding KMS keys leaves
every other id of the sample unchanged.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from ingest.sample.context import PRIMARY_REGION, SECONDARY_REGION, Account, Ctx

_MANAGED_NS = uuid.UUID("6f1c8b0e-1d2a-4f5e-9c3b-7a8d9e0f1a2b")


def _policy(statements: list[dict[str, Any]]) -> str:
    # KMS returns the key policy as a string in its own pretty-printed form ("key" : value).
    doc = {"Version": "2012-10-17", "Id": "key-default-1", "Statement": statements}
    return json.dumps(doc, indent=2).replace('": ', '" : ')


def write_kms(ctx: Ctx, account: Account) -> None:
    aid = account.account_id
    managed = str(uuid.uuid5(_MANAGED_NS, f"{aid}/aws/s3"))
    keys = [  # (key id, description, manager, rotation on, days old)
        (ctx.refs[f"{aid}:ebs-key"], f"{account.name} EBS volumes", "CUSTOMER", True, 420),
        (ctx.refs[f"{aid}:rds-key"], f"{account.name} RDS storage", "CUSTOMER", False, 380),
        (managed, "Default key that protects my S3 objects when no other key is defined", "AWS", True, 600),
    ]
    region = PRIMARY_REGION
    ctx.files[ctx.aws_path(account, region, "kms", "list-keys")] = {
        "Keys": [{"KeyId": k, "KeyArn": account.arn("kms", region, f"key/{k}")} for k, *_ in keys]
    }
    root = {
        "Sid": "Enable IAM User Permissions",
        "Effect": "Allow",
        "Principal": {"AWS": account.root_arn},
        "Action": "kms:*",
        "Resource": "*",
    }
    sid = "Allow access through S3 for all principals in the account that are authorized to use S3"
    via_s3 = {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Resource": "*",
        "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
        "Condition": {
            "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com", "kms:CallerAccount": aid}
        },
    }
    for key_id, description, manager, rotating, age in keys:
        arn = account.arn("kms", region, f"key/{key_id}")
        ctx.files[ctx.aws_path(account, region, "kms", "describe-key", key_id)] = {
            "KeyMetadata": {
                "AWSAccountId": aid,
                "KeyId": key_id,
                "Arn": arn,
                "CreationDate": ctx.clock.aws(age),
                "Enabled": True,
                "Description": description,
                "KeyUsage": "ENCRYPT_DECRYPT",
                "KeyState": "Enabled",
                "Origin": "AWS_KMS",
                "KeyManager": manager,
                "CustomerMasterKeySpec": "SYMMETRIC_DEFAULT",
                "KeySpec": "SYMMETRIC_DEFAULT",
                "EncryptionAlgorithms": ["SYMMETRIC_DEFAULT"],
                "MultiRegion": False,
            }
        }
        ctx.files[ctx.aws_path(account, region, "kms", "get-key-policy", key_id)] = {
            "Policy": _policy([via_s3] if manager == "AWS" else [root]),
            "PolicyName": "default",
        }
        status: dict[str, Any] = {"KeyRotationEnabled": rotating, "KeyId": arn}
        if rotating:
            status.update({"RotationPeriodInDays": 365, "NextRotationDate": ctx.clock.aws(age % 365 - 365)})
        ctx.files[ctx.aws_path(account, region, "kms", "get-key-rotation-status", key_id)] = status
    # Every account answers the listing in every region, as the real CLI does.
    ctx.files.setdefault(ctx.aws_path(account, SECONDARY_REGION, "kms", "list-keys"), {"Keys": []})
