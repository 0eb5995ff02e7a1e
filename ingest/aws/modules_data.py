"""AWS data modules in load order: after network/compute (RDS links to EC2Subnet / EC2SecurityGroup) and
after IAM (Lambda links to its AWSRole); buckets before the ACL grants that point at them."""

from ingest.aws import kms, lambda_function, rds, s3, s3_acl, secretsmanager
from ingest.module import Module

DATA_MODULES: list[Module] = [
    s3.MODULE,
    s3_acl.MODULE,
    rds.MODULE,
    lambda_function.MODULE,
    secretsmanager.MODULE,
    kms.MODULE,
]
