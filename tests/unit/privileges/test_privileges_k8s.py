"""Kubernetes RBAC: bindings, namespace scoping, aggregation and risk flags."""

from __future__ import annotations

from typing import Any

from analysis.privileges.k8s import k8s_permissions, with_groups
from analysis.privileges.k8s_findings import k8s_findings

RBAC = "rbac.authorization.k8s.io"


def cluster_role(
    name: str,
    rules: list[dict[str, Any]],
    labels: dict[str, str] | None = None,
    aggregate: dict[str, str] | None = None,
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": f"{RBAC}/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name, "labels": labels or {}},
        "rules": rules,
    }
    if aggregate is not None:
        obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": aggregate}]}
    return obj


def binding(
    kind: str,
    name: str,
    role_kind: str,
    role: str,
    subjects: list[dict[str, Any]],
    namespace: str | None = None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {
        "apiVersion": f"{RBAC}/v1",
        "kind": kind,
        "metadata": meta,
        "roleRef": {"apiGroup": RBAC, "kind": role_kind, "name": role},
        "subjects": subjects,
    }


CLUSTER_ADMIN = cluster_role(
    "cluster-admin",
    [
        {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
        {"nonResourceURLs": ["*"], "verbs": ["*"]},
    ],
)
SECRET_READER = cluster_role(
    "secret-reader", [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]
)


def test_cluster_role_binding_to_cluster_admin_is_admin() -> None:
    items = [
        CLUSTER_ADMIN,
        binding(
            "ClusterRoleBinding",
            "crb",
            "ClusterRole",
            "cluster-admin",
            [{"kind": "Group", "name": "system:masters", "apiGroup": RBAC}],
        ),
    ]
    perms = k8s_permissions({"kind": "List", "items": items})["Group:system:masters"]
    assert perms.entries_as_strings() == ["* url:*", "* *.* in *"]
    assert perms.allows("delete", "nodes", "*")
    assert "cluster-admin" in [f.name for f in k8s_findings(perms)]


def test_role_binding_to_cluster_role_is_scoped_to_its_namespace() -> None:
    items = [
        SECRET_READER,
        binding(
            "RoleBinding",
            "rb",
            "ClusterRole",
            "secret-reader",
            [{"kind": "ServiceAccount", "name": "ci"}],
            namespace="build",
        ),
    ]
    perms = k8s_permissions(items)["ServiceAccount:build/ci"]
    assert perms.entries_as_strings() == ["get secrets in build", "list secrets in build"]
    assert perms.allows("get", "secrets", "build") and not perms.allows("get", "secrets", "prod")
    assert "read-secrets-cluster-wide" not in [f.name for f in k8s_findings(perms)]


def test_cluster_wide_secret_reading_is_flagged() -> None:
    items = [
        SECRET_READER,
        binding(
            "ClusterRoleBinding", "c", "ClusterRole", "secret-reader", [{"kind": "User", "name": "alice"}]
        ),
    ]
    perms = k8s_permissions(items)["User:alice"]
    assert "get secrets in *" in perms.entries_as_strings()
    assert [f.name for f in k8s_findings(perms)] == ["read-secrets-cluster-wide"]


def test_namespaced_role_and_api_group_kept() -> None:
    role = {
        "kind": "Role",
        "metadata": {"name": "deployer", "namespace": "web"},
        "rules": [
            {
                "apiGroups": ["apps"],
                "resources": ["deployments"],
                "verbs": ["create", "update"],
                "resourceNames": ["frontend"],
            }
        ],
    }
    items = [role, binding("RoleBinding", "rb", "Role", "deployer", [{"kind": "User", "name": "bob"}], "web")]
    perms = k8s_permissions(items)["User:bob"]
    assert perms.entries_as_strings() == [
        "create deployments.apps in web named frontend",
        "update deployments.apps in web named frontend",
    ]
    assert perms.allows("update", "deployments", "web", "apps", name="frontend")
    assert not perms.allows("update", "deployments", "web", "apps", name="backend")


def test_aggregated_cluster_role_picks_up_labelled_rules() -> None:
    monitoring = cluster_role(
        "monitoring", [], aggregate={"rbac.example.com/aggregate-to-monitoring": "true"}
    )
    piece = cluster_role(
        "monitoring-endpoints",
        [{"apiGroups": [""], "resources": ["endpoints"], "verbs": ["get"]}],
        labels={"rbac.example.com/aggregate-to-monitoring": "true"},
    )
    unrelated = cluster_role("other", [{"apiGroups": [""], "resources": ["pods"], "verbs": ["delete"]}])
    items = [
        monitoring,
        piece,
        unrelated,
        binding("ClusterRoleBinding", "m", "ClusterRole", "monitoring", [{"kind": "User", "name": "prom"}]),
    ]
    assert k8s_permissions(items)["User:prom"].entries_as_strings() == ["get endpoints in *"]


def test_nested_aggregation_reaches_fixpoint() -> None:
    admin = cluster_role("admin", [], aggregate={"to-admin": "true"})
    edit = cluster_role("edit", [], labels={"to-admin": "true"}, aggregate={"to-edit": "true"})
    view = cluster_role(
        "view-extra",
        [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}],
        labels={"to-edit": "true"},
    )
    items = [
        admin,
        edit,
        view,
        binding("ClusterRoleBinding", "a", "ClusterRole", "admin", [{"kind": "User", "name": "carol"}]),
    ]
    assert k8s_permissions(items)["User:carol"].entries_as_strings() == ["get pods in *"]


def test_wildcard_verbs_and_escalation_flags() -> None:
    rbac_admin = cluster_role(
        "rbac-admin",
        [
            {"apiGroups": [RBAC], "resources": ["clusterroles", "clusterrolebindings"], "verbs": ["*"]},
            {"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"]},
        ],
    )
    items = [
        rbac_admin,
        binding("ClusterRoleBinding", "r", "ClusterRole", "rbac-admin", [{"kind": "User", "name": "dave"}]),
    ]
    perms = k8s_permissions(items)["User:dave"]
    assert perms.allows("escalate", "clusterroles", "*", RBAC) and perms.allows(
        "bind", "clusterroles", "*", RBAC
    )
    assert [f.name for f in k8s_findings(perms)] == ["impersonate", "rbac-bind", "rbac-escalate"]


def test_exec_in_kube_system_and_group_membership() -> None:
    role = {
        "kind": "Role",
        "metadata": {"name": "debug", "namespace": "kube-system"},
        "rules": [{"apiGroups": [""], "resources": ["pods", "pods/exec"], "verbs": ["create"]}],
    }
    items = [
        role,
        binding("RoleBinding", "d", "Role", "debug", [{"kind": "Group", "name": "oncall"}], "kube-system"),
    ]
    perms = k8s_permissions(items)
    merged = with_groups(perms, "User:erin", ["oncall"])
    assert [f.name for f in k8s_findings(merged)] == ["create-pods-kube-system", "exec-kube-system"]


def test_non_resource_urls_ignored_through_role_binding() -> None:
    role = cluster_role("health", [{"nonResourceURLs": ["/healthz"], "verbs": ["get"]}])
    items = [
        role,
        binding("RoleBinding", "h", "ClusterRole", "health", [{"kind": "User", "name": "f"}], "x"),
        binding("ClusterRoleBinding", "h2", "ClusterRole", "health", [{"kind": "User", "name": "g"}]),
    ]
    perms = k8s_permissions(items)
    assert perms["User:f"].entries_as_strings() == []
    assert perms["User:g"].entries_as_strings() == ["get url:/healthz"]
    assert perms["User:g"].allows_url("get", "/healthz") and not perms["User:g"].allows(
        "get", "/healthz", "*"
    )
