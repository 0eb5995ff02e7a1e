"""Day-to-day changes: drift, privilege creep, a fix on day 2, a revert on day 3 and a re-open on day 4.

Each day starts as a shallow copy of the previous day's file map. Changes are copy-on-write: only the
files (and list items) they touch are copied, so every other file keeps the very same object and the
writer emits identical bytes for it.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

from ingest.sample.aws_compute import add_instance
from ingest.sample.aws_iam import ADMIN_ARN
from ingest.sample.aws_network import ANYWHERE, perm
from ingest.sample.context import Ctx, Files
from ingest.sample.k8s import Cluster
from ingest.sample.k8s_access import binding, subject
from ingest.sample.k8s_objects import render_workload

MYSQL_RULE = perm("tcp", 3306, cidrs=(ANYWHERE,))


def edit_item(files: Files, path: str, key: str, match: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """Copy-on-write one list item of a file; returns the (new, mutable) item."""
    top = dict(files[path])
    items = list(top[key])
    index = next(i for i, item in enumerate(items) if match(item))
    items[index] = copy.deepcopy(items[index])
    top[key] = items
    files[path] = top
    return items[index]


def edit_list(files: Files, path: str, key: str) -> list[Any]:
    """Copy-on-write a file's top-level list (items themselves stay shared unless replaced)."""
    top = dict(files[path])
    top[key] = list(top[key])
    files[path] = top
    return top[key]


def asset(layer: str, scope: str, kind: str, id: str, name: str) -> dict[str, str]:
    return {"layer": layer, "scope": scope, "asset_type": kind, "asset_id": id, "asset_name": name}


class DayPlan:
    def __init__(self, ctx: Ctx, clusters: list[Cluster], days: int) -> None:
        self.ctx, self.clusters, self.days = ctx, clusters, days
        self.net = ctx.refs["planted-net"]["net"]
        self.acct = self.net.account
        self.scope = self.acct.account_id
        self.sg = ctx.refs["planted-net"]["reporting_app_sg"]
        self.sg_path = ctx.aws_path(self.acct, self.net.region, "ec2", "describe-security-groups")

    def run(self) -> list[Files]:
        day_files = [self.ctx.files]
        for day in range(2, self.days + 1):
            files = dict(day_files[-1])
            drift = {
                "from_day": day - 1,
                "to_day": day,
                "added": [],
                "removed": [],
                "changed": [],
                "relationships": [],
            }
            creep = {"from_day": day - 1, "to_day": day, "gains": []}
            if day == 2:
                self._day2(files, drift, creep)
            elif day == 3:
                self._toggle_mysql(files, drift, open_=False, day=day)
            elif day == 4:
                self._toggle_mysql(files, drift, open_=True, day=day)
            self.ctx.manifest.drift.append(drift)
            self.ctx.manifest.creep.append(creep)
            day_files.append(files)
        return day_files

    # -- day 2 -----------------------------------------------------------------------------------
    def _day2(self, files: Files, drift: dict[str, Any], creep: dict[str, Any]) -> None:
        ctx, net, scope = self.ctx, self.net, self.scope
        # New instance: built on a scratch copy of the Net so day-1 lists stay untouched.
        scratch = dataclasses.replace(net, reservations=[], enis=[], volumes=[])
        inst = add_instance(
            ctx,
            scratch,
            "batch-worker-new",
            net.subnets["private-a"],
            ["reporting-app-sg"],
            days_old=-0.5,
            extra_tags={"App": "batch"},
        )
        ec2 = lambda cmd: ctx.aws_path(self.acct, net.region, "ec2", cmd)  # noqa: E731
        edit_list(files, ec2("describe-instances"), "Reservations").extend(scratch.reservations)
        edit_list(files, ec2("describe-network-interfaces"), "NetworkInterfaces").extend(scratch.enis)
        edit_list(files, ec2("describe-volumes"), "Volumes").extend(scratch.volumes)
        iid = inst["InstanceId"]
        drift["added"] += [
            asset("aws", scope, "EC2Instance", iid, "batch-worker-new"),
            asset(
                "aws",
                scope,
                "NetworkInterface",
                scratch.enis[0]["NetworkInterfaceId"],
                "batch-worker-new eni",
            ),
            asset("aws", scope, "EBSVolume", scratch.volumes[0]["VolumeId"], "batch-worker-new root"),
        ]
        drift["relationships"] += [
            {"change": "added", "type": "PART_OF_SUBNET", "from": iid, "to": inst["SubnetId"]},
            {
                "change": "added",
                "type": "MEMBER_OF_EC2_SECURITY_GROUP",
                "from": iid,
                "to": self.sg["GroupId"],
            },
        ]

        # Removed bucket: drop it from list-buckets and delete its per-bucket files.
        bucket = f"{self.acct.name}-{self.acct.account_id}-legacy-reports-2019"
        listing = ctx.aws_path(self.acct, "global", "s3api", "list-buckets")
        buckets = edit_list(files, listing, "Buckets")
        buckets[:] = [b for b in buckets if b["Name"] != bucket]
        for path in [p for p in files if p.endswith(f"/{bucket}.json") and "/s3api/" in p]:
            del files[path]
        drift["removed"].append(asset("aws", scope, "S3Bucket", bucket, bucket))

        self._toggle_mysql(files, drift, open_=True, day=2)

        etl = ctx.refs["planted-net"]["etl"]
        item = edit_item(
            files,
            ec2("describe-instances"),
            "Reservations",
            lambda r: r["Instances"][0]["InstanceId"] == etl["InstanceId"],
        )
        tag = next(t for t in item["Instances"][0]["Tags"] if t["Key"] == "Owner")
        tag["Value"] = "platform-team"
        drift["changed"].append(
            {
                **asset("aws", scope, "EC2Instance", etl["InstanceId"], "legacy-etl-01"),
                "property": "Tags.Owner",
                "before": "data-team",
                "after": "platform-team",
            }
        )

        # Privilege creep in IAM: group membership and a directly attached admin policy.
        auth = ctx.aws_path(self.acct, "global", "iam", "get-account-authorization-details")
        b = ctx.refs[f"iam:{self.acct.account_id}"]
        carol = edit_item(files, auth, "UserDetailList", lambda u: u["UserName"] == "dev-carol")
        carol["GroupList"].append("Admins")
        admins = next(g for g in b.iam.groups if g["GroupName"] == "Admins")
        ci = edit_item(files, auth, "RoleDetailList", lambda r: r["RoleName"] == "ci-deployer")
        ci["AttachedManagedPolicies"].append({"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN})
        admin_policy = edit_item(files, auth, "Policies", lambda p: p["Arn"] == ADMIN_ARN)
        # AttachmentCount counts attached entities: ci-deployer is new; a new member of Admins is not.
        admin_policy["AttachmentCount"] += 1
        m = ctx.manifest
        m.plant(
            "aws-iam-user-admin-via-group",
            "iam_user_admin_via_group",
            "aws",
            scope,
            carol["Arn"],
            "dev-carol",
            "Day 2: dev-carol added to group Admins (AdministratorAccess).",
            day_from=2,
        )
        m.plant(
            "aws-iam-role-admin-attached",
            "iam_role_admin_policy_attached",
            "aws",
            scope,
            ci["Arn"],
            "ci-deployer",
            "Day 2: AdministratorAccess attached to role ci-deployer.",
            day_from=2,
        )
        drift["relationships"] += [
            {"change": "added", "type": "MEMBER_AWS_GROUP", "from": carol["Arn"], "to": admins["Arn"]},
            {"change": "added", "type": "POLICY", "from": ci["Arn"], "to": ADMIN_ARN},
        ]
        creep["gains"] += [
            {
                "layer": "aws",
                "scope": scope,
                "principal": carol["Arn"],
                "principal_name": "dev-carol",
                "gained": "AdministratorAccess",
                "via": f"group {admins['Arn']}",
            },
            {
                "layer": "aws",
                "scope": scope,
                "principal": ci["Arn"],
                "principal_name": "ci-deployer",
                "gained": "AdministratorAccess",
                "via": "managed policy attached to the role",
            },
        ]
        if self.clusters:
            self._day2_k8s(files, drift, creep)
        self._enable_eks_audit_logging(files, drift)

    def _enable_eks_audit_logging(self, files: Files, drift: dict[str, Any]) -> None:
        """Day 2's planted fix: control-plane logging switched on for every EKS cluster, so the only
        Monitoring & Alerting control starts passing, and the roadmap scorecard moves (docs/roadmap.md)."""
        for path in sorted(p for p in files if "/eks/describe-cluster/" in p):
            top = copy.deepcopy(files[path])
            cluster = top["cluster"]
            before = copy.deepcopy(cluster["logging"])
            for entry in cluster["logging"]["clusterLogging"]:
                entry["enabled"] = True
            files[path] = top
            account = path.split("/")[1]
            drift["changed"].append(
                {
                    **asset("aws", account, "AWSEKSCluster", cluster["arn"], cluster["name"]),
                    "property": "logging",
                    "before": before,
                    "after": cluster["logging"],
                }
            )

    def _day2_k8s(self, files: Files, drift: dict[str, Any], creep: dict[str, Any]) -> None:
        c, ctx = self.clusters[0], self.ctx
        w = c.workloads["storefront/storefront-web"]
        new = dataclasses.replace(w, image=c.image("storefront-web", "1.5.0"), generation=2, pods=[])
        controller = render_workload(ctx, c.rv, new, c.nodes, days_old=-0.2)
        deployments = edit_list(files, ctx.k8s_path(c.name, "deployments"), "items")
        index = next(i for i, d in enumerate(deployments) if d["metadata"]["uid"] == w.uid)
        deployments[index] = controller
        old = {p["metadata"]["uid"] for p in w.pods}
        pods = edit_list(files, ctx.k8s_path(c.name, "pods"), "items")
        pods[:] = [p for p in pods if p["metadata"]["uid"] not in old] + new.pods
        drift["changed"].append(
            {
                **asset("k8s", c.name, "KubernetesDeployment", w.uid, "storefront/storefront-web"),
                "property": "spec.template.spec.containers[0].image",
                "before": w.image,
                "after": new.image,
            }
        )
        drift["removed"] += [
            asset("k8s", c.name, "KubernetesPod", p["metadata"]["uid"], p["metadata"]["name"]) for p in w.pods
        ]
        drift["added"] += [
            asset("k8s", c.name, "KubernetesPod", p["metadata"]["uid"], p["metadata"]["name"])
            for p in new.pods
        ]

        crb = binding(
            ctx,
            c.rv,
            "ClusterRoleBinding",
            "ci-runner-cluster-admin",
            "ClusterRole",
            "cluster-admin",
            [subject("ServiceAccount", "ci-runner", "ci")],
            days_old=-0.3,
        )
        edit_list(files, ctx.k8s_path(c.name, "clusterrolebindings"), "items").append(crb)
        sa = next(s for s in c.items["serviceaccounts"] if s["metadata"]["name"] == "ci-runner")
        uid = crb["metadata"]["uid"]
        ctx.manifest.plant(
            "k8s-cluster-admin-sa-day2",
            "k8s_cluster_admin_binding_service_account",
            "k8s",
            c.name,
            uid,
            "ci-runner-cluster-admin",
            "Day 2: ClusterRoleBinding of cluster-admin to ServiceAccount ci/ci-runner.",
            day_from=2,
        )
        drift["added"].append(
            asset("k8s", c.name, "KubernetesClusterRoleBinding", uid, "ci-runner-cluster-admin")
        )
        drift["relationships"].append(
            {"change": "added", "type": "ROLE_BINDING_SUBJECT", "from": uid, "to": sa["metadata"]["uid"]}
        )
        creep["gains"].append(
            {
                "layer": "k8s",
                "scope": c.name,
                "principal": sa["metadata"]["uid"],
                "principal_name": "ci/ci-runner",
                "gained": "ClusterRole cluster-admin",
                "via": "ClusterRoleBinding ci-runner-cluster-admin",
            }
        )

    # -- the toggled SG rule (opened day 2, reverted day 3, re-opened day 4) ---------------------
    def _toggle_mysql(self, files: Files, drift: dict[str, Any], open_: bool, day: int) -> None:
        gid = self.sg["GroupId"]
        sg = edit_item(files, self.sg_path, "SecurityGroups", lambda g: g["GroupId"] == gid)
        before = copy.deepcopy(sg["IpPermissions"])
        if open_:
            sg["IpPermissions"].append(copy.deepcopy(MYSQL_RULE))
        else:
            sg["IpPermissions"] = [p for p in sg["IpPermissions"] if p.get("FromPort") != 3306]
        drift["changed"].append(
            {
                **asset("aws", self.scope, "EC2SecurityGroup", gid, "reporting-app-sg"),
                "property": "IpPermissions",
                "before": before,
                "after": sg["IpPermissions"],
            }
        )
        m = self.ctx.manifest
        if open_:
            key = (
                "aws-sg-reporting-app-mysql-open"
                if day == 2
                else f"aws-sg-reporting-app-mysql-reopened-day{day}"
            )
            m.plant(
                key,
                "ec2_sg_admin_port_open_to_internet",
                "aws",
                self.scope,
                gid,
                "reporting-app-sg",
                f"Day {day}: tcp/3306 opened to 0.0.0.0/0 on reporting-app-sg.",
                day_from=day,
            )
        else:
            m.find("aws-sg-reporting-app-mysql-open")["day_to"] = day - 1
