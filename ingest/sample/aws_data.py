"""Data and serverless services: S3 buckets, RDS instances, Lambda functions (+ URLs), EKS clusters, secrets.

S3 per-bucket calls that fail on the real CLI because the configuration does not exist (NoSuchBucketPolicy,
NoSuchPublicAccessBlockConfiguration) are written as `{}`, as snapshot-format.md ("Absent configurations")
prescribes: an absent file would mean "not collected".
"""

from __future__ import annotations

import base64
import json
from typing import Any

from ingest.sample.aws_compute import add_service_eni
from ingest.sample.aws_network import Net, Subnet
from ingest.sample.context import PRIMARY_REGION, Account, Ctx
from ingest.sample.ids import tag_list

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


class S3:
    """Buckets of one account (S3 is listed once per account, from the `global` folder)."""

    def __init__(self, ctx: Ctx, account: Account) -> None:
        self.ctx, self.acct = ctx, account
        self.owner_id = ctx.ids.hex(64)
        self.buckets: list[dict[str, Any]] = []
        ctx.files[self._path("list-buckets")] = {"Buckets": self.buckets, "Owner": {"ID": self.owner_id}}

    def _path(self, command: str, name: str = "") -> str:
        return self.ctx.aws_path(self.acct, "global", "s3api", command, name)

    def bucket(
        self,
        name: str,
        region: str = PRIMARY_REGION,
        *,
        policy: dict[str, Any] | None = None,
        public_acl: bool = False,
        block_public: bool | None = True,
        sse: str | None = "AES256",
        days_old: float = 500,
    ) -> str:
        """`block_public`: True = all four PAB settings on, False = all off, None = no PAB configured."""
        files = self.ctx.files
        self.buckets.append(
            {"Name": name, "CreationDate": self.ctx.clock.aws(days_old), "BucketRegion": region}
        )
        files[self._path("get-bucket-location", name)] = {
            # us-east-1 is reported as a null LocationConstraint, a long-standing S3 quirk.
            "LocationConstraint": None if region == "us-east-1" else region
        }
        files[self._path("get-bucket-policy", name)] = (
            {"Policy": json.dumps(policy, separators=(",", ":"))} if policy is not None else {}
        )
        grants = [
            {
                "Grantee": {"ID": self.owner_id, "Type": "CanonicalUser"},
                "Permission": "FULL_CONTROL",
            }
        ]
        if public_acl:
            grants.append({"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"})
        files[self._path("get-bucket-acl", name)] = {"Owner": {"ID": self.owner_id}, "Grants": grants}
        files[self._path("get-public-access-block", name)] = {}
        if block_public is not None:
            files[self._path("get-public-access-block", name)] = {
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": block_public,
                    "IgnorePublicAcls": block_public,
                    "BlockPublicPolicy": block_public,
                    "RestrictPublicBuckets": block_public,
                }
            }
        if sse is not None:
            default: dict[str, Any] = {"SSEAlgorithm": sse}
            if sse == "aws:kms":
                default["KMSMasterKeyID"] = self.acct.arn("kms", region, "key/" + self.ctx.ids.uid())
            files[self._path("get-bucket-encryption", name)] = {
                "ServerSideEncryptionConfiguration": {
                    "Rules": [
                        {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": sse == "aws:kms"}
                    ]
                }
            }
        return name


def public_read_policy(bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PublicReadGetObject",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        ],
    }


def tls_only_policy(bucket: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def add_db(
    ctx: Ctx,
    net: Net,
    identifier: str,
    subnets: list[Subnet],
    sg_id: str,
    *,
    public: bool,
    encrypted: bool = True,
    engine: tuple[str, str, int] = ("postgres", "16.4", 5432),
) -> dict[str, Any]:
    acct, region = net.account, net.region
    name, version, port = engine
    group_name = f"{identifier}-subnets"
    db: dict[str, Any] = {
        "DBInstanceIdentifier": identifier,
        "DBInstanceClass": "db.t4g.medium",
        "Engine": name,
        "DBInstanceStatus": "available",
        "MasterUsername": "dbadmin",
        "Endpoint": {
            "Address": f"{identifier}.c{ctx.ids.hex(11)}.{region}.rds.amazonaws.com",
            "Port": port,
            "HostedZoneId": "Z2R2ITUGPM61AM",
        },
        "AllocatedStorage": 100,
        "InstanceCreateTime": ctx.clock.aws(400),
        "PreferredBackupWindow": "03:00-03:30",
        "BackupRetentionPeriod": 7,
        "DBSecurityGroups": [],
        "VpcSecurityGroups": [{"VpcSecurityGroupId": sg_id, "Status": "active"}],
        "DBParameterGroups": [
            {"DBParameterGroupName": f"default.{name}16", "ParameterApplyStatus": "in-sync"}
        ],
        "AvailabilityZone": subnets[0].az,
        "DBSubnetGroup": {
            "DBSubnetGroupName": group_name,
            "DBSubnetGroupDescription": f"Subnets for {identifier}",
            "VpcId": net.vpc_id,
            "SubnetGroupStatus": "Complete",
            "Subnets": [
                {
                    "SubnetIdentifier": s.id,
                    "SubnetAvailabilityZone": {"Name": s.az},
                    "SubnetOutpost": {},
                    "SubnetStatus": "Active",
                }
                for s in subnets
            ],
        },
        "PreferredMaintenanceWindow": "sun:05:00-sun:05:30",
        "PendingModifiedValues": {},
        "MultiAZ": False,
        "EngineVersion": version,
        "AutoMinorVersionUpgrade": True,
        "ReadReplicaDBInstanceIdentifiers": [],
        "LicenseModel": "postgresql-license",
        "OptionGroupMemberships": [{"OptionGroupName": f"default:{name}-16", "Status": "in-sync"}],
        "PubliclyAccessible": public,
        "StorageType": "gp3",
        "DbInstancePort": 0,
        "StorageEncrypted": encrypted,
    }
    if encrypted:
        db["KmsKeyId"] = acct.arn("kms", region, "key/" + ctx.refs[f"{acct.account_id}:rds-key"])
    db.update(
        {
            "DbiResourceId": "db-" + ctx.ids.hex(26).upper(),
            "CACertificateIdentifier": "rds-ca-rsa2048-g1",
            "DomainMemberships": [],
            "CopyTagsToSnapshot": True,
            "MonitoringInterval": 0,
            "DBInstanceArn": acct.arn("rds", region, f"db:{identifier}"),
            "IAMDatabaseAuthenticationEnabled": False,
            "PerformanceInsightsEnabled": False,
            "DeletionProtection": not public,
            "AssociatedRoles": [],
            "TagList": tag_list({"Name": identifier}),
            "CustomerOwnedIpEnabled": False,
            "BackupTarget": "region",
            "NetworkType": "IPV4",
            "StorageThroughput": 125,
            "CertificateDetails": {"CAIdentifier": "rds-ca-rsa2048-g1", "ValidTill": ctx.clock.aws(-300)},
            "DedicatedLogVolume": False,
            "EngineLifecycleSupport": "open-source-rds-extended-support",
        }
    )
    net_dbs(ctx, net).append(db)
    add_service_eni(ctx, net, subnets[0], [sg_id], "RDSNetworkInterface", "amazon-rds", public)
    return db


def net_dbs(ctx: Ctx, net: Net) -> list[dict[str, Any]]:
    path = ctx.aws_path(net.account, net.region, "rds", "describe-db-instances")
    return ctx.files.setdefault(path, {"DBInstances": []})["DBInstances"]


def add_function(
    ctx: Ctx, account: Account, region: str, name: str, role_arn: str, url_auth: str | None = None
) -> dict[str, Any]:
    arn = account.arn("lambda", region, f"function:{name}")
    fn = {
        "FunctionName": name,
        "FunctionArn": arn,
        "Runtime": "python3.12",
        "Role": role_arn,
        "Handler": "app.handler",
        "CodeSize": 2048 + len(name) * 97,
        "Description": "",
        "Timeout": 30,
        "MemorySize": 256,
        "LastModified": ctx.clock.lambda_ts(60),
        "CodeSha256": base64.b64encode(bytes.fromhex(ctx.ids.hex(64))).decode(),
        "Version": "$LATEST",
        "TracingConfig": {"Mode": "PassThrough"},
        "RevisionId": ctx.ids.uid(),
        "PackageType": "Zip",
        "Architectures": ["x86_64"],
        "EphemeralStorage": {"Size": 512},
        "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"},
    }
    functions = ctx.files.setdefault(
        ctx.aws_path(account, region, "lambda", "list-functions"), {"Functions": []}
    )
    functions["Functions"].append(fn)
    urls = []
    if url_auth:
        when = ctx.clock.ago(90).strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        urls.append(
            {
                "FunctionUrl": f"https://{ctx.ids.suffix(32)}.lambda-url.{region}.on.aws/",
                "FunctionArn": arn,
                "CreationTime": when,
                "LastModifiedTime": when,
                "AuthType": url_auth,
                "InvokeMode": "BUFFERED",
            }
        )
    ctx.files[ctx.aws_path(account, region, "lambda", "list-function-url-configs", name)] = {
        "FunctionUrlConfigs": urls
    }
    return fn


def add_secret(ctx: Ctx, account: Account, region: str, name: str, description: str = "") -> str:
    arn = account.arn("secretsmanager", region, f"secret:{name}-{ctx.ids.suffix(6)}")
    secrets = ctx.files.setdefault(
        ctx.aws_path(account, region, "secretsmanager", "list-secrets"), {"SecretList": []}
    )
    secrets["SecretList"].append(
        {
            "ARN": arn,
            "Name": name,
            "Description": description,
            "LastChangedDate": ctx.clock.aws(45),
            "LastAccessedDate": ctx.clock.aws(1).split("T")[0] + "T00:00:00+00:00",
            "Tags": [],
            "SecretVersionsToStages": {ctx.ids.uid(): ["AWSCURRENT"]},
            "CreatedDate": ctx.clock.aws(400),
        }
    )
    return arn


def add_eks_cluster(
    ctx: Ctx,
    net: Net,
    name: str,
    role_arn: str,
    oidc_id: str,
    sg_ids: tuple[str, str],
    public_cidrs: list[str],
) -> dict[str, Any]:
    acct, region = net.account, net.region
    cluster = {
        "name": name,
        "arn": acct.arn("eks", region, f"cluster/{name}"),
        "createdAt": ctx.clock.aws(500),
        "version": "1.31",
        "endpoint": f"https://{oidc_id}.gr7.{region}.eks.amazonaws.com",
        "roleArn": role_arn,
        "resourcesVpcConfig": {
            "subnetIds": [net.subnets["private-a"].id, net.subnets["private-b"].id],
            "securityGroupIds": [sg_ids[0]],
            "clusterSecurityGroupId": sg_ids[1],
            "vpcId": net.vpc_id,
            "endpointPublicAccess": bool(public_cidrs),
            "endpointPrivateAccess": True,
            "publicAccessCidrs": public_cidrs or ["0.0.0.0/0"],
        },
        "kubernetesNetworkConfig": {
            "serviceIpv4Cidr": "172.20.0.0/16",
            "ipFamily": "ipv4",
            "elasticLoadBalancing": {"enabled": False},
        },
        "logging": {
            "clusterLogging": [
                {
                    "types": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                    "enabled": False,
                }
            ]
        },
        "identity": {"oidc": {"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{oidc_id}"}},
        "status": "ACTIVE",
        "certificateAuthority": {"data": base64.b64encode(bytes.fromhex(ctx.ids.hex(96))).decode()},
        "platformVersion": "eks.20",
        "tags": {},
        "health": {"issues": []},
        "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"},
        "upgradePolicy": {"supportType": "STANDARD"},
    }
    ctx.files[ctx.aws_path(acct, region, "eks", "describe-cluster", name)] = {"cluster": cluster}
    listing = ctx.files.setdefault(ctx.aws_path(acct, region, "eks", "list-clusters"), {"clusters": []})
    listing["clusters"].append(name)
    return cluster
