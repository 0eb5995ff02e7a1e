"""Load the hand-written cluster (``kubectl get … -o json`` output) with Cartography 0.143's Kubernetes code.

The JSON lists are turned into the kubernetes client's ``V1*`` objects by the client's own deserializer (what
Cartography's ``get_*`` functions return from the API), then passed through Cartography's ``transform_*`` and
``load_*`` functions. No invgraph ingestion code runs here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cartography.intel.kubernetes import (
    clusters,
    namespaces,
    networkpolicies,
    pods,
    rbac,
    services,
    workloads,
)
from kubernetes.client import ApiClient

CLUSTER = "prod-eks"
CLUSTER_ID = "7c1e0f52-prod-eks-kube-system"


def _items(folder: Path, name: str, kind: str) -> list[Any]:
    raw = json.loads((folder / f"{name}.json").read_text())
    # The client's deserializer, as for an API response; name-mangled but public in practice.
    return ApiClient()._ApiClient__deserialize(raw, kind).items  # noqa: SLF001


def load_cluster(session: Any, folder: Path, tag: int) -> None:
    cluster = {
        "id": CLUSTER_ID,
        "name": CLUSTER,
        "external_id": f"arn:aws:eks:us-east-1:123456789012:cluster/{CLUSTER}",
        "git_version": "v1.30.4-eks",
    }
    clusters.load_kubernetes_cluster(session, [cluster], tag)
    ids = {"cluster_id": CLUSTER_ID, "cluster_name": CLUSTER}
    ns = namespaces.transform_namespaces(_items(folder, "namespaces", "V1NamespaceList"))
    namespaces.load_namespaces(session, ns, tag, CLUSTER, CLUSTER_ID)
    # Controllers first (the snapshot has no ReplicaSets, Jobs or CronJobs), so pods link to their DaemonSet.
    workloads.load_workloads(
        session,
        workloads.transform_deployments(_items(folder, "deployments", "V1DeploymentList")),
        workloads.transform_statefulsets(_items(folder, "statefulsets", "V1StatefulSetList")),
        workloads.transform_daemonsets(_items(folder, "daemonsets", "V1DaemonSetList")),
        [],
        [],
        [],
        tag,
        **ids,
    )
    all_pods = pods.transform_pods(
        _items(folder, "pods", "V1PodList"), CLUSTER, replicaset_owner_map={}, workloads_available=True
    )
    pods.load_pods(session, all_pods, tag, **ids)
    pods.load_containers(session, pods.transform_containers(all_pods), tag, **ids)
    svcs = services.transform_services(_items(folder, "services", "V1ServiceList"), all_pods)
    services.load_services(session, svcs, tag, **ids)
    policies = networkpolicies.transform_network_policies(
        _items(folder, "networkpolicies", "V1NetworkPolicyList"), all_pods
    )
    networkpolicies.load_network_policies(session, policies, tag, **ids)
    roles = _items(folder, "roles", "V1RoleList")
    bindings = _items(folder, "rolebindings", "V1RoleBindingList")
    cluster_roles = _items(folder, "clusterroles", "V1ClusterRoleList")
    cluster_bindings = _items(folder, "clusterrolebindings", "V1ClusterRoleBindingList")
    accounts = rbac.transform_service_accounts(
        _items(folder, "serviceaccounts", "V1ServiceAccountList"), CLUSTER
    )
    rbac.load_users(session, rbac.transform_users(bindings, cluster_bindings, CLUSTER), tag, **ids)
    rbac.load_groups(session, rbac.transform_groups(bindings, cluster_bindings, CLUSTER), tag, **ids)
    rbac.load_service_accounts(session, accounts, tag, **ids)
    rbac.load_roles(session, rbac.transform_roles(roles, CLUSTER), tag, **ids)
    rbac.load_cluster_roles(session, rbac.transform_cluster_roles(cluster_roles, CLUSTER), tag, **ids)
    rbac.load_role_bindings(session, rbac.transform_role_bindings(bindings, CLUSTER), tag, **ids)
    rbac.load_cluster_role_bindings(
        session, rbac.transform_cluster_role_bindings(cluster_bindings, CLUSTER), tag, **ids
    )
