"""A small AWS environment built in a moto server with plain boto3 calls (what an operator would create)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

import boto3

REGION = "us-east-1"
PUBLIC_BUCKET = "invgraph-public-assets"
BLOCKED_BUCKET = "invgraph-blocked"
EVERYONE = "0.0.0.0/0"


def trust(principal: dict[str, Any]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
        }
    )


@dataclass
class Env:
    account: str = ""
    vpc: str = ""
    subnets: dict[str, str] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)  # security groups by name
    instance: str = ""
    users: dict[str, str] = field(default_factory=dict)  # name -> arn
    roles: dict[str, str] = field(default_factory=dict)
    access_key: str = ""
    function: str | None = None  # None when moto could not create a Lambda function
    load_balancer: str = "web-alb"
    target_group: str = "web-tg"
    cluster: str = "prod-eks"
    kms_keys: dict[str, str] = field(default_factory=dict)  # role in the test -> KeyId


def build(endpoint_url: str) -> Env:
    def client(name: str) -> Any:
        return boto3.client(name, region_name=REGION, endpoint_url=endpoint_url)

    env = Env(account=client("sts").get_caller_identity()["Account"])
    ec2, iam = client("ec2"), client("iam")
    _iam(env, iam)
    env.vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    for name, cidr, az in (
        ("public-a", "10.20.1.0/24", "us-east-1a"),
        ("public-b", "10.20.2.0/24", "us-east-1b"),
    ):
        subnet = ec2.create_subnet(VpcId=env.vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]
        env.subnets[name] = subnet["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=env.vpc)
    rtb = ec2.create_route_table(VpcId=env.vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock=EVERYONE, GatewayId=igw)
    for subnet in env.subnets.values():
        ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    for name, port in (("web-sg", 443), ("ssh-sg", 22)):
        sg = ec2.create_security_group(GroupName=name, Description=name, VpcId=env.vpc)["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=sg,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": EVERYONE}]}
            ],
        )
        env.groups[name] = sg
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    env.instance = ec2.run_instances(
        ImageId=ami,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SubnetId=env.subnets["public-a"],
        SecurityGroupIds=list(env.groups.values()),
        IamInstanceProfile={"Name": "web-profile"},
    )["Instances"][0]["InstanceId"]
    _elb(env, client("elbv2"))
    _data(env, client)
    return env


def _iam(env: Env, iam: Any) -> None:
    for user in ("alice", "bob"):
        env.users[user] = iam.create_user(UserName=user)["User"]["Arn"]
    env.access_key = iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    iam.create_group(GroupName="admins")
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    env.roles["web-role"] = iam.create_role(
        RoleName="web-role", AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"})
    )["Role"]["Arn"]
    env.roles["ci-deploy"] = iam.create_role(
        RoleName="ci-deploy",
        AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{env.account}:root"}),
    )["Role"]["Arn"]
    env.roles["lambda-exec"] = iam.create_role(
        RoleName="lambda-exec",
        AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}),
    )["Role"]["Arn"]
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"}],
    }
    policy = iam.create_policy(PolicyName="read-s3", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="web-role", PolicyArn=policy)
    iam.attach_group_policy(GroupName="admins", PolicyArn=policy)
    iam.create_instance_profile(InstanceProfileName="web-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="web-profile", RoleName="web-role")


def _elb(env: Env, elbv2: Any) -> None:
    lb = elbv2.create_load_balancer(
        Name=env.load_balancer,
        Subnets=list(env.subnets.values()),
        SecurityGroups=[env.groups["web-sg"]],
        Scheme="internet-facing",
        Type="application",
    )["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elbv2.create_target_group(
        Name=env.target_group, Protocol="HTTP", Port=80, VpcId=env.vpc, TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": env.instance, "Port": 80}])
    elbv2.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )


def _data(env: Env, client: Any) -> None:
    s3 = client("s3")
    for bucket in (PUBLIC_BUCKET, BLOCKED_BUCKET):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(
        Bucket=PUBLIC_BUCKET,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{PUBLIC_BUCKET}/*",
                    }
                ],
            }
        ),
    )
    s3.put_public_access_block(
        Bucket=BLOCKED_BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    client("rds").create_db_instance(
        DBInstanceIdentifier="orders-db",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="orders",
        MasterUserPassword="not-a-secret-1",
        PubliclyAccessible=True,
    )
    client("secretsmanager").create_secret(Name="orders-db-password", SecretString="not-a-secret-1")
    _kms(env, client("kms"))
    client("eks").create_cluster(
        name=env.cluster,
        roleArn=env.roles["ci-deploy"],
        resourcesVpcConfig={"subnetIds": list(env.subnets.values())},
    )
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as zf:
        zf.writestr("handler.py", "def handler(event, context):\n    return {}\n")
    # moto stores a function without Docker (Docker is only needed to invoke it, which we never do).
    client("lambda").create_function(
        FunctionName="thumbnailer",
        Runtime="python3.12",
        Handler="handler.handler",
        Role=env.roles["lambda-exec"],
        Code={"ZipFile": code.getvalue()},
    )
    env.function = "thumbnailer"


def _kms(env: Env, kms: Any) -> None:
    """A rotated symmetric key, one with rotation off and a key policy open to anyone, and an asymmetric
    signing key (no automatic rotation exists for it, so the collector makes no rotation call)."""

    def key(**kwargs: Any) -> str:
        return str(kms.create_key(**kwargs)["KeyMetadata"]["KeyId"])

    # moto leaves KeyUsage out of describe-key unless it was given; AWS always prints it.
    env.kms_keys["rotated"] = key(Description="orders data", KeyUsage="ENCRYPT_DECRYPT")
    kms.enable_key_rotation(KeyId=env.kms_keys["rotated"])
    public = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "anyone",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "kms:Decrypt",
                "Resource": "*",
            }
        ],
    }
    env.kms_keys["public"] = key(Description="shared", KeyUsage="ENCRYPT_DECRYPT", Policy=json.dumps(public))
    env.kms_keys["signing"] = key(Description="release signing", KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")
