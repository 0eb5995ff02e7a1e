"""Planted AWS misconfigurations and decoys (first account only; the same set at every scale).

Each function builds the assets through the ordinary builders and records them in the manifest, so the
manifest can never name an asset the files don't contain.
"""

from __future__ import annotations

from typing import Any

from ingest.sample.aws_compute import add_instance, add_volume
from ingest.sample.aws_data import add_db
from ingest.sample.aws_elb import add_load_balancer
from ingest.sample.aws_iam import ADMIN_ARN, IamBuilder, allow, doc, managed_arn, trust_service
from ingest.sample.aws_network import ANYWHERE, ANYWHERE_V6, Net, add_sg, perm
from ingest.sample.aws_usage import service
from ingest.sample.context import Ctx


def plant_iam(ctx: Ctx, b: IamBuilder, vendor_account: str) -> None:
    m, acct = ctx.manifest, b.acct
    scope = acct.account_id

    def plant(id: str, kind: str, asset_id: str, name: str, text: str) -> None:
        m.plant(id, kind, "aws", scope, asset_id, name, text)

    jdoe = b.user("jdoe", days_old=700, console_days_ago=3, mfa=False)
    plant(
        "aws-iam-console-no-mfa",
        "iam_user_console_without_mfa",
        jdoe["Arn"],
        "jdoe",
        "User jdoe signs in to the console (list-users PasswordLastUsed) and has no MFA device.",
    )
    bot = b.user("deploy-bot", days_old=800)
    key = b.access_key(bot, days_old=400, last_used_days_ago=2)
    plant(
        "aws-iam-access-key-old",
        "iam_access_key_older_than_90_days",
        key,
        "deploy-bot",
        "Active access key of deploy-bot created 400 days before day 1.",
    )
    old = b.user("old-integration", days_old=300)
    key = b.access_key(old, days_old=30, last_used_days_ago=None)
    plant(
        "aws-iam-access-key-unused",
        "iam_access_key_never_used",
        key,
        "old-integration",
        "Active access key of old-integration that has never been used (ServiceName N/A).",
    )
    plant(
        "aws-iam-root-access-keys",
        "iam_root_access_keys_present",
        acct.root_arn,
        "root",
        "get-account-summary reports AccountAccessKeysPresent = 1.",
    )
    admin = b.user("legacy-admin", days_old=1200, console_days_ago=40, mfa=True)
    b.attach(admin, ADMIN_ARN)
    plant(
        "aws-iam-user-admin-direct",
        "iam_user_admin_policy_attached",
        admin["Arn"],
        "legacy-admin",
        "AdministratorAccess attached directly to user legacy-admin.",
    )
    lead = b.user("ops-lead", days_old=900, console_days_ago=1, mfa=True)
    b.access_key(lead, days_old=20, last_used_days_ago=1)
    b.user("dev-carol", days_old=150, console_days_ago=2, mfa=True)
    b.group("Admins", [ADMIN_ARN])
    b.group("Developers", [managed_arn("ReadOnlyAccess")])
    # Day-1 membership: developers only; Admins stays empty until the day-2 privilege creep.
    for user in b.iam.users:
        if user["UserName"] in ("jdoe", "dev-carol", "ops-lead"):
            user["GroupList"].append("Developers")

    anyone = b.role(
        "public-trust-role",
        doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
        [managed_arn("ReadOnlyAccess")],
    )
    plant(
        "aws-iam-role-trusts-anyone",
        "iam_role_trust_any_principal",
        anyone["Arn"],
        "public-trust-role",
        'Trust policy allows Principal {"AWS": "*"} without conditions.',
    )
    vendor = b.role(
        "vendor-audit-role",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{vendor_account}:root"},
                "Action": "sts:AssumeRole",
            }
        ),
        [managed_arn("ReadOnlyAccess")],
    )
    plant(
        "aws-iam-role-cross-account-no-external-id",
        "iam_role_cross_account_without_external_id",
        vendor["Arn"],
        "vendor-audit-role",
        f"Trusts external account {vendor_account} with no sts:ExternalId condition.",
    )
    safe = b.role(
        "vendor-monitoring-role",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{vendor_account}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": "c7f3a1d2-monitoring"}},
            }
        ),
        [managed_arn("ReadOnlyAccess")],
    )
    m.decoy(
        "decoy-iam-vendor-with-external-id",
        "iam_role_cross_account_without_external_id",
        "aws",
        scope,
        safe["Arn"],
        "vendor-monitoring-role",
        "Cross-account trust to a vendor, but with an sts:ExternalId condition: not a finding.",
    )
    full = b.policy("automation-full-access", doc(allow("*", "*")))
    automation = b.role("automation-role", trust_service("ec2.amazonaws.com"), [full])
    plant(
        "aws-iam-customer-policy-admin",
        "iam_customer_policy_allows_all",
        full,
        "automation-full-access",
        'Customer managed policy with Action "*" on Resource "*", attached to role automation-role.',
    )
    plant_usage(ctx, b, automation, plant)
    b.role(
        "ci-deployer",
        doc({"Effect": "Allow", "Principal": {"AWS": acct.root_arn}, "Action": "sts:AssumeRole"}),
        [b.policy("ci-deploy-ecr-push", doc(allow(["ecr:PutImage", "ecr:UploadLayerPart"], "*")))],
    )


def plant_usage(ctx: Ctx, b: IamBuilder, automation: dict[str, Any], plant: Any) -> None:
    """Granted versus used (docs/privileges.md): a service role using a sliver of admin, an unused admin role,
    a former contractor's unused key and console password."""
    clock = ctx.clock
    b.last_accessed["automation-role"] = [
        service("s3", "Amazon S3", clock.aws(2), {"GetObject": clock.aws(2), "PutObject": None}),
        *(
            service(ns, name, None)
            for ns, name in (("ec2", "Amazon EC2"), ("kms", "AWS KMS"), ("lambda", "AWS Lambda"))
        ),
    ]
    plant(
        "aws-usage-service-role-sliver",
        "usage_admin_principal_low_usage",
        automation["Arn"],
        "automation-role",
        "EC2 service role with Action * on * that used only s3:GetObject in 90 days (ACTION_LEVEL report).",
    )
    glass = b.role(
        "break-glass-admin",
        doc({"Effect": "Allow", "Principal": {"AWS": b.acct.root_arn}, "Action": "sts:AssumeRole"}),
        [ADMIN_ARN],
        days_old=400,
        used_days_ago=None,
    )
    plant(
        "aws-usage-admin-role-unused",
        "usage_role_unused",
        glass["Arn"],
        "break-glass-admin",
        "AdministratorAccess role not used in the 400 days AWS tracks (RoleLastUsed empty, no service used).",
    )
    contractor = b.user("former-contractor", days_old=400, console_days_ago=120, mfa=True)
    key = b.access_key(contractor, days_old=200, last_used_days_ago=150)
    plant(
        "aws-usage-access-key-unused",
        "usage_access_key_unused",
        key,
        "former-contractor",
        "Active key last used 150 days before day 1 (get-access-key-last-used).",
    )
    plant(
        "aws-usage-console-password-unused",
        "usage_console_password_unused",
        contractor["Arn"],
        "former-contractor",
        "Console password last used 120 days before day 1 (credential report).",
    )


def plant_network(ctx: Ctx, net: Net, web_profile: Any) -> dict[str, Any]:
    """Planted EC2/VPC/ELB/RDS items in the first account's primary region. Returns handles for plan.py."""
    m, acct, subs = ctx.manifest, net.account, net.subnets
    scope = acct.account_id
    default = net.sgs["default"]
    default["IpPermissions"] = [perm("-1", groups=((acct.account_id, default["GroupId"]),))]
    default["IpPermissionsEgress"] = [perm("-1", cidrs=(ANYWHERE,))]
    m.plant(
        "aws-sg-default-has-rules",
        "ec2_default_security_group_has_rules",
        "aws",
        scope,
        default["GroupId"],
        "default",
        "Default security group of the main VPC still has its ingress/egress rules.",
    )

    def sg(
        name: str,
        rules: list[dict[str, Any]],
        text: str | None = None,
        kind: str = "ec2_sg_admin_port_open_to_internet",
    ) -> dict[str, Any]:
        group = add_sg(ctx, net, name, f"{name} managed by terraform", rules)
        if text:
            m.plant(f"aws-sg-{name}", kind, "aws", scope, group["GroupId"], name, text)
        return group

    sg(
        "bastion-ssh-sg",
        [perm("tcp", 22, cidrs=(ANYWHERE,))],
        "Allows tcp/22 from 0.0.0.0/0 (used by bastion-01).",
    )
    sg(
        "rdp-legacy-sg",
        [perm("tcp", 3389, cidrs_v6=(ANYWHERE_V6,))],
        "Allows tcp/3389 from ::/0 (IPv6 anywhere); not attached to any instance.",
        "ec2_sg_rdp_open_to_ipv6_internet",
    )
    alb_sg = sg("web-alb-sg", [perm("tcp", 443, cidrs=(ANYWHERE,))])
    sg("web-app-sg", [perm("tcp", 8080, groups=((acct.account_id, alb_sg["GroupId"]),))])
    db_sg = sg(
        "reporting-db-sg",
        [perm("tcp", 5432, cidrs=(ANYWHERE,))],
        "Allows tcp/5432 from 0.0.0.0/0 (reporting-db).",
    )
    orders_sg = sg(
        "orders-db-sg",
        [perm("tcp", 5432, cidrs=(ANYWHERE,))],
        "Allows tcp/5432 from 0.0.0.0/0 on a private, non-public RDS (see decoy-rds-private).",
    )
    sg(
        "build-sg",
        [perm("tcp", 22, cidrs=(ANYWHERE,))],
        "Allows tcp/22 from 0.0.0.0/0, only on an isolated-subnet instance (decoy-ec2-open-sg-isolated).",
    )
    sg(
        "sftp-sg",
        [perm("tcp", 22, cidrs=(ANYWHERE,))],
        "Allows tcp/22 from 0.0.0.0/0; the subnet NACL denies it (see decoy-ec2-nacl-denies-port).",
    )
    internal = sg("admin-ssh-internal-sg", [perm("tcp", 22, cidrs=("10.0.0.0/8",))])
    sg("reporting-app-sg", [perm("tcp", 8443, cidrs=("10.0.0.0/8",))])

    bastion = add_instance(
        ctx,
        net,
        "bastion-01",
        subs["public-a"],
        ["bastion-ssh-sg"],
        public=True,
        itype="t3.micro",
        days_old=600,
    )
    m.plant(
        "aws-ec2-internet-ssh",
        "ec2_instance_internet_exposed_admin_port",
        "aws",
        scope,
        bastion["InstanceId"],
        "bastion-01",
        "Public IP in public-a (0.0.0.0/0 -> igw), SG bastion-ssh-sg allows 22 from "
        "0.0.0.0/0 and the default NACL allows it.",
    )
    web = add_instance(
        ctx, net, "web-01", subs["private-a"], ["web-app-sg"], profile=web_profile, days_old=90
    )
    lb = add_load_balancer(
        ctx,
        net,
        "public-web-alb",
        lb_type="application",
        scheme="internet-facing",
        subnets=[subs["public-a"], subs["public-b"]],
        sg_ids=[alb_sg["GroupId"]],
        listener=(443, "HTTPS"),
        target_group=("web-tg", 8080, "HTTP", "instance"),
        targets=[(web["InstanceId"], 8080, None)],
    )
    m.plant(
        "aws-alb-internet-to-instance",
        "elbv2_internet_facing_to_instance",
        "aws",
        scope,
        lb["LoadBalancerArn"],
        "public-web-alb",
        f"Internet-facing ALB, HTTPS listener 443 -> target group web-tg -> {web['InstanceId']} (web-01).",
    )
    isolated = add_instance(ctx, net, "isolated-builder", subs["isolated-a"], ["build-sg"], days_old=30)
    m.decoy(
        "decoy-ec2-open-sg-isolated",
        "ec2_instance_internet_exposed_admin_port",
        "aws",
        scope,
        isolated["InstanceId"],
        "isolated-builder",
        "SG allows 22 from 0.0.0.0/0 but the subnet's route table has only the local route and no public IP.",
    )
    jump = add_instance(
        ctx, net, "admin-jump", subs["public-b"], ["admin-ssh-internal-sg"], public=True, days_old=200
    )
    m.decoy(
        "decoy-sg-ssh-internal-only",
        "ec2_sg_admin_port_open_to_internet",
        "aws",
        scope,
        internal["GroupId"],
        "admin-ssh-internal-sg",
        f"Allows 22 only from 10.0.0.0/8; attached to public instance {jump['InstanceId']}.",
    )
    sftp = add_instance(ctx, net, "sftp-01", subs["public-c"], ["sftp-sg"], public=True, days_old=250)
    m.decoy(
        "decoy-ec2-nacl-denies-port",
        "ec2_instance_internet_exposed_admin_port",
        "aws",
        scope,
        sftp["InstanceId"],
        "sftp-01",
        f"Public IP, SG open on 22 to 0.0.0.0/0, but NACL {net.restricted_nacl} denies tcp/22 (rule 90).",
    )
    etl = add_instance(
        ctx,
        net,
        "legacy-etl-01",
        subs["private-b"],
        ["reporting-app-sg"],
        days_old=900,
        extra_tags={"Owner": "data-team"},
    )
    vol = add_volume(ctx, net, subs["private-b"].az, etl["InstanceId"], "/dev/sdf", 500, 900, encrypted=False)
    etl["BlockDeviceMappings"].append(
        {
            "DeviceName": "/dev/sdf",
            "Ebs": {
                "AttachTime": vol["CreateTime"],
                "DeleteOnTermination": False,
                "Status": "attached",
                "VolumeId": vol["VolumeId"],
            },
        }
    )
    m.plant(
        "aws-ebs-unencrypted",
        "ebs_volume_unencrypted",
        "aws",
        scope,
        vol["VolumeId"],
        "legacy-etl-01:/dev/sdf",
        "500 GiB data volume with Encrypted false, attached to legacy-etl-01.",
    )

    public_db = add_db(
        ctx, net, "reporting-db", [subs["public-a"], subs["public-b"]], db_sg["GroupId"], public=True
    )
    m.plant(
        "aws-rds-public",
        "rds_instance_publicly_accessible",
        "aws",
        scope,
        public_db["DBInstanceArn"],
        "reporting-db",
        "PubliclyAccessible true, subnet group in public subnets, SG reporting-db-sg open on 5432.",
    )
    plain = add_db(
        ctx,
        net,
        "analytics-replica",
        [subs["private-a"], subs["private-b"]],
        orders_sg["GroupId"],
        public=False,
        encrypted=False,
    )
    m.plant(
        "aws-rds-unencrypted",
        "rds_storage_unencrypted",
        "aws",
        scope,
        plain["DBInstanceArn"],
        "analytics-replica",
        "StorageEncrypted false.",
    )
    private_db = add_db(
        ctx, net, "orders-db", [subs["private-a"], subs["private-b"]], orders_sg["GroupId"], public=False
    )
    m.decoy(
        "decoy-rds-private",
        "rds_instance_publicly_accessible",
        "aws",
        scope,
        private_db["DBInstanceArn"],
        "orders-db",
        "SG open on 5432 to 0.0.0.0/0, but PubliclyAccessible false in private subnets.",
    )
    return {"etl": etl, "reporting_app_sg": net.sgs["reporting-app-sg"], "web": web}
