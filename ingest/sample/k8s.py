"""One Kubernetes (EKS) cluster: system objects, benign bulk workloads, and the `kubectl get` List files.

Nodes are the EKS node instances built by aws_env (providerID aws:///<az>/<instance-id>), so the
Kubernetes and AWS layers join on real ids. Secrets are written without `data`/`stringData`, exactly as
`invgraph collect k8s` stores them (values are never collected).
"""

from __future__ import annotations

import math
from typing import Any

from ingest.sample.context import Ctx
from ingest.sample.ids import scaled
from ingest.sample.k8s_access import binding, rule, service, subject
from ingest.sample.k8s_objects import Node, ResourceVersions, Workload, meta, obj, render_workload

RESOURCES = [
    "namespaces",
    "nodes",
    "pods",
    "deployments",
    "daemonsets",
    "statefulsets",
    "services",
    "ingresses",
    "serviceaccounts",
    "roles",
    "clusterroles",
    "rolebindings",
    "clusterrolebindings",
    "networkpolicies",
    "secrets",
]
_KIND_TO_RESOURCE = {"Deployment": "deployments", "DaemonSet": "daemonsets", "StatefulSet": "statefulsets"}
_APPS = ["api", "worker", "cache", "search", "auth", "catalog", "notify", "orders"]
RBAC = "rbac.authorization.k8s.io/v1"


def pods_per_scale() -> float:
    return 34.0  # bulk deployment replicas per unit of scale (8 deployments, 1–7 replicas)


def node_count(scale: float) -> int:
    # ~25 pods per node, never fewer than two nodes (the EKS managed node group minimum we model).
    return max(2, math.ceil(pods_per_scale() * scale / 25))


class Cluster:
    def __init__(self, ctx: Ctx, spec: Any) -> None:
        self.ctx, self.spec, self.name = ctx, spec, spec.name
        self.rv = ResourceVersions()
        self.items: dict[str, list[dict[str, Any]]] = {r: [] for r in RESOURCES}
        self.workloads: dict[str, Workload] = {}
        self.ecr = spec.account.ecr(spec.region)
        subnets = {s.id: s for net in ctx.refs["nets"] for s in net.subnets.values()}
        self.nodes = [
            Node(
                i["PrivateDnsName"],
                i["PrivateIpAddress"],
                i["Placement"]["AvailabilityZone"],
                subnets[i["SubnetId"]],
            )
            for i in spec.nodes
        ]
        for path_resource, items in self.items.items():
            ctx.files[ctx.k8s_path(self.name, path_resource)] = {
                "apiVersion": "v1",
                "items": items,
                "kind": "List",
                "metadata": {"resourceVersion": ""},
            }

    def image(self, app: str, tag: str = "1.0.0", pinned: bool = True) -> str:
        ref = f"{self.ecr}/{app}:{tag}"
        return f"{ref}@{self.ctx.ids.digest()}" if pinned else ref

    # -- namespaced basics ----------------------------------------------------------------------
    def namespace(self, name: str, days_old: float = 300) -> None:
        m = meta(self.ctx, self.rv, name, labels={"kubernetes.io/metadata.name": name}, days_old=days_old)
        self.items["namespaces"].append(
            obj("v1", "Namespace", m, spec={"finalizers": ["kubernetes"]}, status={"phase": "Active"})
        )
        self.service_account(name, "default", days_old=days_old)

    def service_account(
        self,
        ns: str,
        name: str,
        annotations: dict[str, str] | None = None,
        days_old: float = 200,
        automount: bool | None = None,
    ) -> dict[str, Any]:
        sa = obj(
            "v1",
            "ServiceAccount",
            meta(self.ctx, self.rv, name, ns, annotations=annotations, days_old=days_old),
        )
        if automount is not None:
            sa["automountServiceAccountToken"] = automount
        self.items["serviceaccounts"].append(sa)
        return sa

    def secret(self, ns: str, name: str, kind: str, days_old: float = 100) -> dict[str, Any]:
        # `data` omitted on purpose: the collector drops secret values before writing (snapshot-format.md).
        s = obj("v1", "Secret", meta(self.ctx, self.rv, name, ns, days_old=days_old), type=kind)
        self.items["secrets"].append(s)
        return s

    def workload(self, w: Workload, days_old: float = 60, nodes: list[Node] | None = None) -> dict[str, Any]:
        controller = render_workload(self.ctx, self.rv, w, nodes or self.nodes, days_old)
        self.items[_KIND_TO_RESOURCE[w.kind]].append(controller)
        self.items["pods"].extend(w.pods)
        self.workloads[f"{w.namespace}/{w.name}"] = w
        return controller

    def add(self, resource: str, item: dict[str, Any]) -> dict[str, Any]:
        self.items[resource].append(item)
        return item

    def network_policy(self, ns: str, name: str, ingress: list[dict[str, Any]] | None) -> dict[str, Any]:
        spec: dict[str, Any] = {"podSelector": {}, "policyTypes": ["Ingress"]}
        if ingress:
            spec["ingress"] = ingress
        return self.add(
            "networkpolicies",
            obj("networking.k8s.io/v1", "NetworkPolicy", meta(self.ctx, self.rv, name, ns), spec=spec),
        )

    # -- system objects -------------------------------------------------------------------------
    def build_system(self) -> None:
        ctx, rv = self.ctx, self.rv
        for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
            self.namespace(ns, days_old=500)
        for n, inst in zip(self.nodes, self.spec.nodes, strict=True):
            itype, az = inst["InstanceType"], n.az
            labels = {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/instance-type": itype,
                "beta.kubernetes.io/os": "linux",
                "eks.amazonaws.com/capacityType": "ON_DEMAND",
                "eks.amazonaws.com/nodegroup": "default",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": n.name,
                "kubernetes.io/os": "linux",
                "node.kubernetes.io/instance-type": itype,
                "topology.kubernetes.io/region": self.spec.region,
                "topology.kubernetes.io/zone": az,
            }
            m = meta(
                ctx,
                rv,
                n.name,
                labels=labels,
                days_old=20,
                annotations={
                    "alpha.kubernetes.io/provided-node-ip": n.ip,
                    "node.alpha.kubernetes.io/ttl": "0",
                    "volumes.kubernetes.io/controller-managed-attach-detach": "true",
                },
            )
            cap = {
                "cpu": "8",
                "ephemeral-storage": "83873772Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "32386520Ki",
                "pods": "58",
            }
            status = {
                "addresses": [
                    {"address": n.ip, "type": "InternalIP"},
                    {"address": n.name, "type": "InternalDNS"},
                    {"address": n.name, "type": "Hostname"},
                ],
                "allocatable": {**cap, "cpu": "7910m", "memory": "31369624Ki"},
                "capacity": cap,
                "conditions": [
                    {
                        "lastHeartbeatTime": ctx.clock.k8s(0.01),
                        "lastTransitionTime": ctx.clock.k8s(20),
                        "message": "kubelet is posting ready status",
                        "reason": "KubeletReady",
                        "status": "True",
                        "type": "Ready",
                    }
                ],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                "nodeInfo": {
                    "architecture": "amd64",
                    "bootID": ctx.ids.uid(),
                    "containerRuntimeVersion": "containerd://1.7.23",
                    "kernelVersion": "6.1.115-126.197.amzn2023.x86_64",
                    "kubeProxyVersion": "v1.31.2-eks-7f9249a",
                    "kubeletVersion": "v1.31.2-eks-7f9249a",
                    "machineID": ctx.ids.hex(32),
                    "operatingSystem": "linux",
                    "osImage": "Amazon Linux 2023.6.20241121",
                    "systemUUID": "ec2" + ctx.ids.hex(5) + "-" + ctx.ids.uid()[9:],
                },
            }
            spec = {"providerID": f"aws:///{az}/{inst['InstanceId']}"}
            self.add("nodes", obj("v1", "Node", m, spec=spec, status=status))
        self.service_account("kube-system", "coredns", days_old=500)
        self.workload(
            Workload(
                "Deployment",
                "kube-system",
                "coredns",
                f"registry.k8s.io/coredns/coredns:v1.11.3@{ctx.ids.digest()}",
                replicas=2,
                service_account="coredns",
                port=53,
            ),
            days_old=500,
        )
        self.service_account("kube-system", "log-shipper", days_old=400)
        self.workload(
            Workload(
                "DaemonSet",
                "kube-system",
                "log-shipper",
                self.image("log-shipper", "3.1.0"),
                service_account="log-shipper",
                port=2020,
            ),
            days_old=30,
        )
        self.add(
            "clusterroles",
            obj(
                RBAC,
                "ClusterRole",
                meta(
                    ctx,
                    rv,
                    "cluster-admin",
                    labels={"kubernetes.io/bootstrapping": "rbac-defaults"},
                    annotations={"rbac.authorization.kubernetes.io/autoupdate": "true"},
                    days_old=500,
                ),
                rules=[rule(["*"], ["*"], ["*"]), {"nonResourceURLs": ["*"], "verbs": ["*"]}],
            ),
        )
        for name, verbs in (
            ("admin", ["*"]),
            ("edit", ["create", "delete", "patch", "update"]),
            ("view", ["get", "list", "watch"]),
        ):
            self.add(
                "clusterroles",
                obj(
                    RBAC,
                    "ClusterRole",
                    meta(
                        ctx, rv, name, labels={"kubernetes.io/bootstrapping": "rbac-defaults"}, days_old=500
                    ),
                    aggregationRule={
                        "clusterRoleSelectors": [
                            {"matchLabels": {f"rbac.authorization.k8s.io/aggregate-to-{name}": "true"}}
                        ]
                    },
                    rules=[rule(["", "apps"], ["pods", "deployments", "services", "configmaps"], verbs)],
                ),
            )
        self.add(
            "clusterroles",
            obj(
                RBAC,
                "ClusterRole",
                meta(ctx, rv, "system:coredns", days_old=500),
                rules=[rule([""], ["endpoints", "services", "pods", "namespaces"], ["list", "watch"])],
            ),
        )
        self.add(
            "clusterrolebindings",
            binding(
                ctx,
                rv,
                "ClusterRoleBinding",
                "cluster-admin",
                "ClusterRole",
                "cluster-admin",
                [subject("Group", "system:masters")],
                days_old=500,
                labels={"kubernetes.io/bootstrapping": "rbac-defaults"},
            ),
        )
        self.add(
            "clusterrolebindings",
            binding(
                ctx,
                rv,
                "ClusterRoleBinding",
                "system:coredns",
                "ClusterRole",
                "system:coredns",
                [subject("ServiceAccount", "coredns", "kube-system")],
                days_old=500,
            ),
        )

    # -- bulk ----------------------------------------------------------------------------------
    def build_bulk(self) -> None:
        ctx, rv, scale = self.ctx, self.rv, self.ctx.scale
        namespaces = [f"team-{i:03d}" for i in range(max(1, scaled(2, scale)))]
        for ns in namespaces:
            self.namespace(ns, days_old=200)
            self.network_policy(ns, "default-deny-ingress", None)
            self.network_policy(ns, "allow-same-namespace", [{"from": [{"podSelector": {}}]}])
        for i in range(scaled(8, scale)):
            ns, app = namespaces[i % len(namespaces)], f"{_APPS[i % len(_APPS)]}-{i:04d}"
            self.service_account(ns, app, automount=False)
            kind = "StatefulSet" if i % 4 == 3 else "Deployment"
            w = Workload(
                kind,
                ns,
                app,
                self.image(_APPS[i % len(_APPS)], f"2.{i % 9}.{i % 5}"),
                replicas=1 + (i * 3) % 7,
                service_account=app,
                automount=False,
            )
            self.workload(w, days_old=3 + i % 90)
            self.add("services", service(ctx, rv, w))
        for i in range(scaled(10, scale)):
            kind = ("Opaque", "kubernetes.io/tls", "kubernetes.io/dockerconfigjson")[i % 3]
            self.secret(namespaces[i % len(namespaces)], f"app-secret-{i:04d}", kind)
        for i in range(scaled(4, scale)):
            ns = namespaces[i % len(namespaces)]
            self.add(
                "roles",
                obj(
                    RBAC,
                    "Role",
                    meta(ctx, rv, f"config-reader-{i:04d}", ns),
                    rules=[rule([""], ["configmaps"], ["get", "list", "watch"])],
                ),
            )
            self.add(
                "rolebindings",
                binding(
                    ctx,
                    rv,
                    "RoleBinding",
                    f"config-reader-{i:04d}",
                    "Role",
                    f"config-reader-{i:04d}",
                    [subject("ServiceAccount", f"{_APPS[i % len(_APPS)]}-{i:04d}", ns)],
                    ns,
                ),
            )
