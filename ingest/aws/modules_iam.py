"""AWS IAM modules in load order: policies before the principals that own POLICY edges to them; principals
before keys (AWS_ACCESS_KEY / MFA_DEVICE match AWSUser); all before network/compute, which link EC2 instances
to our AWSInstanceProfile nodes."""

from ingest.aws import iam_account, iam_credential_report, iam_keys, iam_policies, iam_principals
from ingest.module import Module

IAM_MODULES: list[Module] = [
    iam_policies.MODULE,
    iam_principals.MODULE,
    iam_keys.MODULE,
    iam_credential_report.MODULE,
    iam_account.MODULE,
]
