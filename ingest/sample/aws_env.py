"""Assemble one AWS account: IAM, two regions of networking and compute, data services and EKS.

Bulk assets are benign and scale linearly with `ctx.scale`; the planted set is built only in the first
account (see plan_aws.py). Builders run in a fixed order so ids come out of the seeded RNG identically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.sample import plan_aws, plan_aws_data
from ingest.sample.aws_compute import Profile, add_instance, write_compute
from ingest.sample.aws_data import S3, add_db, add_eks_cluster, add_function, add_secret, tls_only_policy
from ingest.sample.aws_elb import write_elb
from ingest.sample.aws_iam import IamBuilder, allow, build_bulk_iam, doc, managed_arn, trust_service
from ingest.sample.aws_kms import write_kms
from ingest.sample.aws_network import Net, add_sg, build_network, perm
from ingest.sample.context import PRIMARY_REGION, SECONDARY_REGION, Account, Ctx
from ingest.sample.ids import scaled
from ingest.sample.k8s import node_count

_APPS = ["api", "worker", "batch", "cache", "search", "etl", "auth", "billing", "catalog", "notify"]
_TYPES = ["m6i.large", "m6i.xlarge", "c6i.large", "r6i.large", "t3.medium"]
_PORTS = [8080, 8443, 9000, 6379, 5432]


@dataclass
class ClusterSpec:
    """An EKS cluster and the node instances that back its Kubernetes nodes."""

    name: str
    account: Account
    region: str
    oidc_id: str
    nodes: list[dict[str, Any]] = field(default_factory=list)  # describe-instances objects
    irsa_role_arn: str = ""
    node_role_arn: str = ""


def build_account(ctx: Ctx, account: Account, clusters: list[ClusterSpec], vendor_account: str) -> None:
    first = account.index == 0
    prefix = f"{account.name}-{account.account_id}"
    ctx.refs[f"{account.account_id}:ebs-key"] = ctx.ids.uid()
    ctx.refs[f"{account.account_id}:rds-key"] = ctx.ids.uid()

    b = IamBuilder(ctx, account)
    bulk_profiles = build_bulk_iam(ctx, b)
    web_role = b.role(
        "web-app-role",
        trust_service("ec2.amazonaws.com"),
        [managed_arn("AmazonS3ReadOnlyAccess")],
        profile=True,
    )
    lambda_role = b.role(
        "lambda-exec-role",
        trust_service("lambda.amazonaws.com"),
        [managed_arn("AWSLambdaBasicExecutionRole")],
    )
    for spec in clusters:
        cluster_role = b.role(
            f"{spec.name}-cluster-role",
            trust_service("eks.amazonaws.com"),
            [managed_arn("AmazonEKSClusterPolicy")],
        )
        node_role = b.role(
            f"{spec.name}-node-role",
            trust_service("ec2.amazonaws.com"),
            [
                managed_arn("AmazonEKSWorkerNodePolicy"),
                managed_arn("AmazonEKS_CNI_Policy"),
                managed_arn("AmazonEC2ContainerRegistryReadOnly"),
            ],
            profile=True,
        )
        spec.node_role_arn = node_role["Arn"]
        ctx.refs[f"cluster-role:{spec.name}"] = cluster_role["Arn"]
        ctx.refs[f"node-profile:{spec.name}"] = IamBuilder.profile_of(node_role)
    if first:
        plan_aws.plant_iam(ctx, b, vendor_account)
    if clusters:
        # Cross-layer path: the first cluster's payments-api service account assumes this role (IRSA).
        spec = clusters[0]
        access = b.policy(
            "payments-data-access",
            doc(
                allow("s3:GetObject", f"arn:aws:s3:::{prefix}-customer-data/*"),
                allow(
                    "secretsmanager:GetSecretValue",
                    account.arn("secretsmanager", spec.region, "secret:prod/payments/db-credentials-*"),
                ),
            ),
        )
        irsa = b.role(
            "payments-api-irsa",
            plan_aws_data.irsa_trust(
                account.account_id, spec.region, spec.oidc_id, "payments", "payments-api"
            ),
            [access],
        )
        spec.irsa_role_arn = irsa["Arn"]
        ctx.refs[f"irsa-policy:{spec.name}"] = access
    ctx.refs[f"iam:{account.account_id}"] = b
    b.finish(root_keys=first)

    s3 = S3(ctx, account)
    for octet, (region, full) in enumerate([(PRIMARY_REGION, True), (SECONDARY_REGION, False)]):
        net = build_network(ctx, account, region, octet + 10 * account.index, full)
        net.amis = [ctx.ids.aws("ami") for _ in range(3)]
        share = 0.75 if full else 0.25
        sg_names = _bulk_network(ctx, net, share, bulk_profiles)
        if full and first:
            ctx.refs["planted-net"] = plan_aws.plant_network(ctx, net, IamBuilder.profile_of(web_role))
            ctx.refs["planted-net"]["net"] = net
        if full:
            for spec in clusters:
                _eks(ctx, net, spec)
            for i in range(scaled(2, ctx.scale)):
                sg = net.sgs[sg_names[i % len(sg_names)]]
                add_db(
                    ctx,
                    net,
                    f"{_APPS[i % len(_APPS)]}-db-{i:04d}",
                    [net.subnets["private-a"], net.subnets["private-b"]],
                    sg["GroupId"],
                    public=False,
                )
        write_compute(ctx, net)
        write_elb(ctx, net)
        ctx.refs.setdefault("nets", []).append(net)  # subnets are finalized after pods take their IPs
        if full:
            ctx.refs[f"net:{account.account_id}"] = net

    if first:
        ctx.refs["planted-data"] = plan_aws_data.plant_data(ctx, s3, prefix, lambda_role["Arn"])
    for i in range(scaled(3, ctx.scale)):
        name = f"{prefix}-{_APPS[i % len(_APPS)]}-data-{i:04d}"
        region = PRIMARY_REGION if i % 4 else SECONDARY_REGION
        s3.bucket(
            name,
            region,
            policy=tls_only_policy(name) if i % 3 == 0 else None,
            sse="aws:kms" if i % 2 else "AES256",
            days_old=30 + i % 700,
        )
    for i in range(scaled(3, ctx.scale)):
        add_function(
            ctx, account, PRIMARY_REGION, f"{_APPS[i % len(_APPS)]}-handler-{i:04d}", lambda_role["Arn"]
        )
    for i in range(scaled(5, ctx.scale)):
        add_secret(ctx, account, PRIMARY_REGION, f"{account.name}/{_APPS[i % len(_APPS)]}/config-{i:04d}")
    # Every account answers these listings even when empty, as the real CLI does.
    for region in (PRIMARY_REGION, SECONDARY_REGION):
        ctx.files.setdefault(ctx.aws_path(account, region, "lambda", "list-functions"), {"Functions": []})
        ctx.files.setdefault(
            ctx.aws_path(account, region, "secretsmanager", "list-secrets"), {"SecretList": []}
        )
        ctx.files.setdefault(
            ctx.aws_path(account, region, "rds", "describe-db-instances"), {"DBInstances": []}
        )
        ctx.files.setdefault(ctx.aws_path(account, region, "eks", "list-clusters"), {"clusters": []})
    write_kms(ctx, account)


def _bulk_network(ctx: Ctx, net: Net, share: float, profiles: list[Profile]) -> list[str]:
    """Benign tiers: app SGs reachable only from inside the VPC, instances in private subnets."""
    n_sgs = max(1, scaled(12 * share, ctx.scale))
    names = []
    for i in range(n_sgs):
        app = _APPS[i % len(_APPS)]
        name = f"{app}-sg-{i:04d}"
        add_sg(ctx, net, name, f"{app} tier", [perm("tcp", _PORTS[i % len(_PORTS)], cidrs=(net.cidr,))])
        names.append(name)
    privates = [net.subnets["private-a"], net.subnets["private-b"]]
    for i in range(scaled(46 * share, ctx.scale)):
        app = _APPS[i % len(_APPS)]
        add_instance(
            ctx,
            net,
            f"{app}-{i:05d}",
            privates[i % 2],
            [names[i % n_sgs]],
            profile=profiles[i % len(profiles)] if profiles else None,
            itype=_TYPES[i % len(_TYPES)],
            days_old=5 + (i * 7) % 400,
            extra_tags={"Environment": "production" if i % 3 else "staging", "App": app},
        )
    return names


def _eks(ctx: Ctx, net: Net, spec: ClusterSpec) -> None:
    cluster_sg = add_sg(
        ctx,
        net,
        f"eks-cluster-sg-{spec.name}",
        "EKS created security group applied to ENI "
        "that is attached to EKS Control Plane master nodes, as well as any managed workloads.",
        [],
    )
    cluster_sg["IpPermissions"] = [perm("-1", groups=((net.account.account_id, cluster_sg["GroupId"]),))]
    control_sg = add_sg(
        ctx, net, f"{spec.name}-control-plane-sg", "EKS control plane", [perm("tcp", 443, cidrs=(net.cidr,))]
    )
    profile = ctx.refs[f"node-profile:{spec.name}"]
    privates = [net.subnets["private-a"], net.subnets["private-b"]]
    for i in range(node_count(ctx.scale)):
        node = add_instance(
            ctx,
            net,
            f"{spec.name}-ng-default",
            privates[i % 2],
            [cluster_sg["GroupName"]],
            profile=profile,
            itype="m6i.2xlarge",
            days_old=20 + i % 10,
            extra_tags={
                f"kubernetes.io/cluster/{spec.name}": "owned",
                "eks:cluster-name": spec.name,
                "eks:nodegroup-name": "default",
            },
        )
        spec.nodes.append(node)
    public = ["0.0.0.0/0"] if spec is ctx.refs["clusters"][0] else ["203.0.113.0/24"]
    cluster = add_eks_cluster(
        ctx,
        net,
        spec.name,
        ctx.refs[f"cluster-role:{spec.name}"],
        spec.oidc_id,
        (control_sg["GroupId"], cluster_sg["GroupId"]),
        public,
    )
    if spec is ctx.refs["clusters"][0]:
        ctx.manifest.plant(
            "aws-eks-public-endpoint",
            "eks_cluster_public_endpoint_open",
            "aws",
            net.account.account_id,
            cluster["arn"],
            spec.name,
            'endpointPublicAccess true with publicAccessCidrs ["0.0.0.0/0"].',
        )
