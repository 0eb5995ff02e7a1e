"""IAM of one account: users, groups, roles, managed policies, access keys, MFA devices, last-accessed data.

`get-account-authorization-details` is written the way the AWS CLI prints it: botocore URL-decodes and
JSON-parses every policy document, so trust policies and policy versions are JSON objects, not strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.sample import aws_usage
from ingest.sample.aws_compute import Profile
from ingest.sample.context import Account, Ctx
from ingest.sample.ids import scaled

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: str | list[str], resource: str | list[str], **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def trust_service(service: str) -> dict[str, Any]:
    return doc({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})


# AWS managed policies referenced by the sample (documents abbreviated except AdministratorAccess).
AWS_MANAGED: dict[str, tuple[str, dict[str, Any]]] = {
    "AdministratorAccess": ("/", doc(allow("*", "*"))),
    "ReadOnlyAccess": (
        "/",
        doc(allow(["ec2:Describe*", "s3:Get*", "s3:List*", "iam:Get*", "iam:List*"], "*")),
    ),
    "AmazonS3ReadOnlyAccess": ("/", doc(allow(["s3:Get*", "s3:List*", "s3-object-lambda:Get*"], "*"))),
    "CloudWatchAgentServerPolicy": (
        "/",
        doc(allow(["cloudwatch:PutMetricData", "logs:PutLogEvents", "logs:CreateLogStream"], "*")),
    ),
    "AWSLambdaBasicExecutionRole": (
        "/service-role/",
        doc(allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*")),
    ),
    "AmazonEKSClusterPolicy": (
        "/",
        doc(allow(["ec2:Describe*", "elasticloadbalancing:*", "kms:DescribeKey"], "*")),
    ),
    "AmazonEKSWorkerNodePolicy": ("/", doc(allow(["ec2:DescribeInstances", "eks:DescribeCluster"], "*"))),
    "AmazonEKS_CNI_Policy": (
        "/",
        doc(allow(["ec2:AssignPrivateIpAddresses", "ec2:AttachNetworkInterface"], "*")),
    ),
    "AmazonEC2ContainerRegistryReadOnly": (
        "/",
        doc(allow(["ecr:GetAuthorizationToken", "ecr:BatchGetImage"], "*")),
    ),
}


def managed_arn(name: str) -> str:
    return f"arn:aws:iam::aws:policy{AWS_MANAGED[name][0]}{name}"


@dataclass
class Iam:
    account: Account
    users: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    policies: list[dict[str, Any]] = field(default_factory=list)
    list_users: list[dict[str, Any]] = field(default_factory=list)


class IamBuilder:
    def __init__(self, ctx: Ctx, account: Account) -> None:
        self.ctx, self.acct, self.iam = ctx, account, Iam(account)
        self.aws_policy_ids: dict[str, str] = ctx.refs.setdefault("aws-managed-policy-ids", {})
        self.bulk_roles: set[str] = set()
        self.policy_arns: set[str] = set()  # AWS managed policies are listed once, on first attachment
        self.last_accessed: dict[str, list[dict[str, Any]]] = {}  # planted ACTION_LEVEL reports by name

    # -- entities -------------------------------------------------------------------------------
    def arn(self, kind: str, name: str, path: str = "/") -> str:
        return f"arn:aws:iam::{self.acct.account_id}:{kind}{path}{name}"

    def attach(self, entity: dict[str, Any], policy_arn: str) -> None:
        name = policy_arn.rsplit("/", 1)[1]
        if policy_arn.startswith("arn:aws:iam::aws:") and policy_arn not in self.policy_arns:
            path, document = AWS_MANAGED[name]
            # AWS managed policy ids are global constants: one id per policy name for the whole run.
            if name not in self.aws_policy_ids:
                self.aws_policy_ids[name] = self.ctx.ids.iam("ANPA")
            self._add_policy(name, self.aws_policy_ids[name], policy_arn, path, document, days_old=2000)
        entity["AttachedManagedPolicies"].append({"PolicyName": name, "PolicyArn": policy_arn})

    def _add_policy(
        self, name: str, pid: str, arn: str, path: str, document: dict[str, Any], days_old: float
    ) -> dict[str, Any]:
        when = self.ctx.clock.aws(days_old)
        policy = {
            "PolicyName": name,
            "PolicyId": pid,
            "Arn": arn,
            "Path": path,
            "DefaultVersionId": "v1",
            "AttachmentCount": 0,  # computed in finish()
            "PermissionsBoundaryUsageCount": 0,
            "IsAttachable": True,
            "CreateDate": when,
            "UpdateDate": when,
            "PolicyVersionList": [
                {"Document": document, "VersionId": "v1", "IsDefaultVersion": True, "CreateDate": when}
            ],
        }
        self.iam.policies.append(policy)
        self.policy_arns.add(arn)
        return policy

    def policy(self, name: str, document: dict[str, Any], days_old: float = 300) -> str:
        arn = self.arn("policy", name)
        self._add_policy(name, self.ctx.ids.iam("ANPA"), arn, "/", document, days_old)
        return arn

    def user(
        self, name: str, days_old: float = 400, console_days_ago: float | None = None, mfa: bool = False
    ) -> dict[str, Any]:
        user = {
            "Path": "/",
            "UserName": name,
            "UserId": self.ctx.ids.iam("AIDA"),
            "Arn": self.arn("user", name),
            "CreateDate": self.ctx.clock.aws(days_old),
            "GroupList": [],
            "AttachedManagedPolicies": [],
            "Tags": [],
        }
        self.iam.users.append(user)
        listed = {k: user[k] for k in ("Path", "UserName", "UserId", "Arn", "CreateDate")}
        if console_days_ago is not None:
            listed["PasswordLastUsed"] = self.ctx.clock.aws(console_days_ago)
        self.iam.list_users.append(listed)
        devices = []
        if mfa:
            devices.append(
                {
                    "UserName": name,
                    "SerialNumber": f"arn:aws:iam::{self.acct.account_id}:mfa/{name}",
                    "EnableDate": self.ctx.clock.aws(days_old - 1),
                }
            )
        self._put("list-mfa-devices", name, {"MFADevices": devices, "IsTruncated": False})
        self._put("list-access-keys", name, {"AccessKeyMetadata": [], "IsTruncated": False})
        return user

    def access_key(self, user: dict[str, Any], days_old: float, last_used_days_ago: float | None) -> str:
        key_id = self.ctx.ids.iam("AKIA")
        keys = self.ctx.files[self._path("list-access-keys", user["UserName"])]["AccessKeyMetadata"]
        keys.append(
            {
                "UserName": user["UserName"],
                "AccessKeyId": key_id,
                "Status": "Active",
                "CreateDate": self.ctx.clock.aws(days_old),
            }
        )
        if last_used_days_ago is None:
            # What IAM returns for a key that has never been used.
            last_used = {"ServiceName": "N/A", "Region": "N/A"}
        else:
            last_used = {
                "LastUsedDate": self.ctx.clock.aws(last_used_days_ago),
                "ServiceName": "s3",
                "Region": "us-east-1",
            }
        self._put(
            "get-access-key-last-used", key_id, {"UserName": user["UserName"], "AccessKeyLastUsed": last_used}
        )
        return key_id

    def group(self, name: str, policy_arns: list[str]) -> dict[str, Any]:
        group = {
            "Path": "/",
            "GroupName": name,
            "GroupId": self.ctx.ids.iam("AGPA"),
            "Arn": self.arn("group", name),
            "CreateDate": self.ctx.clock.aws(900),
            "GroupPolicyList": [],
            "AttachedManagedPolicies": [],
        }
        for arn in policy_arns:
            self.attach(group, arn)
        self.iam.groups.append(group)
        return group

    def role(
        self,
        name: str,
        trust: dict[str, Any],
        policy_arns: Sequence[str] = (),
        inline: dict[str, dict[str, Any]] | None = None,
        profile: bool = False,
        days_old: float = 300,
        used_days_ago: float | None = 1,
        path: str = "/",
    ) -> dict[str, Any]:
        role: dict[str, Any] = {
            "Path": path,
            "RoleName": name,
            "RoleId": self.ctx.ids.iam("AROA"),
            "Arn": self.arn("role", name, path),
            "CreateDate": self.ctx.clock.aws(days_old),
            "AssumeRolePolicyDocument": trust,
            "InstanceProfileList": [],
            "RolePolicyList": [{"PolicyName": k, "PolicyDocument": v} for k, v in (inline or {}).items()],
            "AttachedManagedPolicies": [],
            "Tags": [],
            "RoleLastUsed": (
                {"LastUsedDate": self.ctx.clock.aws(used_days_ago), "Region": "us-east-1"}
                if used_days_ago is not None
                else {}
            ),
        }
        for arn in policy_arns:
            self.attach(role, arn)
        if profile:
            summary = {k: role[k] for k in ("Path", "RoleName", "RoleId", "Arn", "CreateDate")}
            summary["AssumeRolePolicyDocument"] = trust
            role["InstanceProfileList"].append(
                {
                    "Path": "/",
                    "InstanceProfileName": name,
                    "InstanceProfileId": self.ctx.ids.iam("AIPA"),
                    "Arn": self.arn("instance-profile", name),
                    "CreateDate": role["CreateDate"],
                    "Roles": [summary],
                    "Tags": [],
                }
            )
        self.iam.roles.append(role)
        return role

    @staticmethod
    def profile_of(role: dict[str, Any]) -> Profile:
        ip = role["InstanceProfileList"][0]
        return Profile(ip["Arn"], ip["InstanceProfileId"])

    # -- files ----------------------------------------------------------------------------------
    def _path(self, command: str, name: str = "") -> str:
        return self.ctx.aws_path(self.acct, "global", "iam", command, name)

    def _put(self, command: str, name: str, body: dict[str, Any]) -> None:
        self.ctx.files[self._path(command, name)] = body

    def finish(self, root_keys: bool) -> None:
        iam, clock = self.iam, self.ctx.clock
        ctx_files = self.ctx.files
        ctx_files[self._path("get-account-authorization-details")] = authorization_details(iam)
        ctx_files[self._path("list-users")] = {"Users": iam.list_users, "IsTruncated": False}
        names = [u["UserName"] for u in iam.users]
        ctx_files[self._path("get-credential-report")] = aws_usage.credential_report(
            iam.users,
            iam.list_users,
            {n: ctx_files[self._path("list-access-keys", n)]["AccessKeyMetadata"] for n in names},
            {
                k["AccessKeyId"]: ctx_files[self._path("get-access-key-last-used", k["AccessKeyId"])]
                for n in names
                for k in ctx_files[self._path("list-access-keys", n)]["AccessKeyMetadata"]
            },
            {n: bool(ctx_files[self._path("list-mfa-devices", n)]["MFADevices"]) for n in names},
            clock.aws(0.05),
        )
        ctx_files[self._path("get-account-summary")] = {
            "SummaryMap": {
                "GroupPolicySizeQuota": 5120,
                "InstanceProfilesQuota": 1000,
                "Policies": sum(1 for p in iam.policies if ":aws:policy" not in p["Arn"]),
                "GroupsPerUserQuota": 10,
                "InstanceProfiles": sum(len(r["InstanceProfileList"]) for r in iam.roles),
                "AttachedPoliciesPerUserQuota": 10,
                "Users": len(iam.users),
                "PoliciesQuota": 1500,
                "Providers": 1,
                "AccountMFAEnabled": 1,
                "AccessKeysPerUserQuota": 2,
                "AssumeRolePolicySizeQuota": 2048,
                "PolicyVersionsInUseQuota": 10000,
                "GlobalEndpointTokenVersion": 1,
                "VersionsPerPolicyQuota": 5,
                "AttachedPoliciesPerGroupQuota": 10,
                "PolicySizeQuota": 6144,
                "Groups": len(iam.groups),
                "AccountSigningCertificatesPresent": 0,
                "UsersQuota": 5000,
                "ServerCertificatesQuota": 20,
                "MFADevices": 1,
                "UserPolicySizeQuota": 2048,
                "PolicyVersionsInUse": sum(len(p["PolicyVersionList"]) for p in iam.policies),
                "ServerCertificates": 0,
                "Roles": len(iam.roles),
                "RolesQuota": 5000,
                "SigningCertificatesPerUserQuota": 2,
                "MFADevicesInUse": 1,
                "RolePolicySizeQuota": 10240,
                "AttachedPoliciesPerRoleQuota": 10,
                "AccountAccessKeysPresent": 1 if root_keys else 0,
                "GroupsQuota": 300,
            }
        }
        # Last-accessed reports for users and named roles; bulk roles have none (one file per principal
        # would dominate file count at large scale; a missing file just means "not collected").
        for principal in [*iam.users, *(r for r in iam.roles if r["RoleName"] not in self.bulk_roles)]:
            name = principal.get("UserName") or principal["RoleName"]
            used = principal.get("RoleLastUsed", {}).get("LastUsedDate")
            services: list[dict[str, Any]] = list(self.last_accessed.get(name, []))
            if used and not services:
                services.append(
                    {
                        "ServiceName": "Amazon S3",
                        "LastAuthenticated": used,
                        "ServiceNamespace": "s3",
                        "LastAuthenticatedEntity": principal["Arn"],
                        "LastAuthenticatedRegion": "us-east-1",
                        "TotalAuthenticatedEntities": 1,
                    }
                )
            services.append(
                {
                    "ServiceName": "AWS Identity and Access Management",
                    "ServiceNamespace": "iam",
                    "TotalAuthenticatedEntities": 0,
                }
            )
            self._put(
                "get-service-last-accessed-details",
                name,
                {
                    "JobStatus": "COMPLETED",
                    "JobType": "ACTION_LEVEL" if name in self.last_accessed else "SERVICE_LEVEL",
                    "JobCreationDate": clock.aws(0.1),
                    "ServicesLastAccessed": services,
                    "JobCompletionDate": clock.aws(0.09),
                    "IsTruncated": False,
                },
            )


def authorization_details(iam: Iam) -> dict[str, Any]:
    """Recompute AttachmentCount (it changes when plan.py attaches policies) and wrap the lists."""
    counts: dict[str, int] = {}
    for entity in [*iam.users, *iam.groups, *iam.roles]:
        for att in entity["AttachedManagedPolicies"]:
            counts[att["PolicyArn"]] = counts.get(att["PolicyArn"], 0) + 1
    for p in iam.policies:
        p["AttachmentCount"] = counts.get(p["Arn"], 0)
    return {
        "UserDetailList": iam.users,
        "GroupDetailList": iam.groups,
        "RoleDetailList": iam.roles,
        "Policies": iam.policies,
        "IsTruncated": False,
    }


_APPS = ["api", "worker", "batch", "cache", "search", "etl", "auth", "billing", "catalog", "notify"]


def build_bulk_iam(ctx: Ctx, b: IamBuilder) -> list[Profile]:
    """Benign bulk: scoped service roles and policies, service users with recent keys."""
    acct = b.acct
    profiles: list[Profile] = []
    n_policies = scaled(16, ctx.scale)
    policy_arns = []
    for i in range(n_policies):
        app = _APPS[i % len(_APPS)]
        bucket = f"arn:aws:s3:::{acct.name}-{app}-data-*"
        policy_arns.append(
            b.policy(
                f"{app}-access-{i:04d}",
                doc(allow(["s3:GetObject", "s3:PutObject"], f"{bucket}/*"), allow("s3:ListBucket", bucket)),
            )
        )
    for i in range(scaled(30, ctx.scale)):
        app = _APPS[i % len(_APPS)]
        kind = ("ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com")[i % 3]
        attached = [policy_arns[i % n_policies]] if n_policies else []
        attached.append(
            managed_arn("CloudWatchAgentServerPolicy" if i % 3 == 0 else "AWSLambdaBasicExecutionRole")
        )
        role = b.role(
            f"{app}-{kind.split('.')[0]}-role-{i:04d}",
            trust_service(kind),
            attached,
            profile=kind.startswith("ec2"),
            days_old=100 + i % 500,
            used_days_ago=1 + i % 20,
        )
        b.bulk_roles.add(role["RoleName"])
        if role["InstanceProfileList"]:
            profiles.append(b.profile_of(role))
    for i in range(scaled(2, ctx.scale)):
        user = b.user(f"svc-{_APPS[i % len(_APPS)]}-{i:04d}", days_old=200 + i % 100)
        if n_policies:
            b.attach(user, policy_arns[i % n_policies])
        b.access_key(user, days_old=20 + i % 60, last_used_days_ago=1)
    return profiles
