"""Kubernetes RBAC permissions of every subject of some clusters, read from the graph.

Reads what ``ingest/k8s`` stored: the ``rules`` JSON of (Cluster)Roles and the ``subjects`` JSON plus
``role_kind`` / ``role_name`` of (Cluster)RoleBindings — one query per cluster — rebuilds the
``kubectl`` item shapes and hands them to ``k8s.k8s_permissions``. ClusterRole aggregation is not
re-run: the API server already wrote the aggregated rules into the role, and that is what we stored.

Principal ids name the subject kind, because a user and a group may share a name:
``<cluster>/User/<name>``, ``<cluster>/Group/<name>``, ``<cluster>/ServiceAccount/<ns>/<name>``.
A service account's permissions include those of the groups the API server puts every service
account in (``system:serviceaccounts``, ``system:serviceaccounts:<ns>``, ``system:authenticated``);
a user's include ``system:authenticated``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from analysis.privileges.cartography_k8s import binding_subjects, flattened_rules
from analysis.privileges.k8s import K8sPermissions, k8s_permissions, with_groups
from analysis.privileges.k8s_findings import k8s_findings
from analysis.privileges.provenance import k8s_sources
from analysis.privileges.records import PrincipalRecord, compact_json
from graph import driver

RBAC_OBJECTS = """
MATCH (:KubernetesCluster {name: $cluster})-[:RESOURCE]->(o)
WHERE o:KubernetesRole OR o:KubernetesClusterRole OR o:KubernetesRoleBinding OR o:KubernetesClusterRoleBinding
RETURN CASE WHEN o:KubernetesRole THEN 'Role' WHEN o:KubernetesClusterRole THEN 'ClusterRole'
            WHEN o:KubernetesRoleBinding THEN 'RoleBinding' ELSE 'ClusterRoleBinding' END AS kind,
       o.name AS name, o.namespace AS namespace, o.rules AS rules,
       o.role_kind AS role_kind, o.role_name AS role_name, o.subjects AS subjects,
       o.id AS id, o.api_groups AS api_groups, o.resources AS resources, o.verbs AS verbs
"""
_ADMIN_FINDING = "cluster-admin"


def read_cluster(cluster: str) -> list[dict[str, Any]]:
    """The cluster's RBAC objects in the shape ``kubectl get … -o json`` prints them."""
    items = []
    rows = driver.read(RBAC_OBJECTS, {"cluster": cluster})
    # Cartography's bindings keep their subjects as edges (analysis/privileges/cartography_k8s.py).
    edges = binding_subjects(
        [r["id"] for r in rows if r["kind"].endswith("Binding") and r["subjects"] is None]
    )
    for r in rows:
        meta = {"name": r["name"], **({"namespace": r["namespace"]} if r["namespace"] else {})}
        if r["kind"] in ("Role", "ClusterRole"):
            rules = (
                json.loads(r["rules"])
                if r["rules"] is not None
                else flattened_rules(r["api_groups"], r["resources"], r["verbs"])
            )
            items.append({"kind": r["kind"], "metadata": meta, "rules": rules})
        elif r["subjects"] is None:
            items.append(
                {
                    "kind": r["kind"],
                    "metadata": meta,
                    "roleRef": {"kind": r["role_kind"], "name": r["role_name"]},
                    "subjects": edges.get(r["id"], []),
                }
            )
        else:
            items.append(
                {
                    "kind": r["kind"],
                    "metadata": meta,
                    "roleRef": {"kind": r["role_kind"], "name": r["role_name"]},
                    "subjects": json.loads(r["subjects"] or "[]"),
                }
            )
    return items


def _implicit_groups(subject: str) -> list[str]:
    kind, _, name = subject.partition(":")
    if kind == "ServiceAccount":
        namespace = name.split("/", 1)[0]
        return ["system:serviceaccounts", f"system:serviceaccounts:{namespace}", "system:authenticated"]
    return ["system:authenticated"] if kind == "User" else []


def _identity(cluster: str, subject: str) -> tuple[str, str, str, str, str]:
    """(principal id, name, kind, node label, node id) of a subject key such as ``ServiceAccount:ns/n``."""
    kind, _, name = subject.partition(":")
    if kind == "ServiceAccount":
        return (
            f"{cluster}/ServiceAccount/{name}",
            name,
            "k8s-serviceaccount",
            "KubernetesServiceAccount",
            f"{cluster}/{name}",
        )
    if kind == "Group":
        return f"{cluster}/Group/{name}", name, "k8s-group", "KubernetesGroup", f"{cluster}/{name}"
    return f"{cluster}/User/{name}", name, "k8s-user", "KubernetesUser", f"{cluster}/{name}"


def record(cluster: str, subject: str, perms: K8sPermissions, sources: str = "[]") -> PrincipalRecord:
    principal_id, name, kind, label, node_id = _identity(cluster, subject)
    names = [f.name for f in k8s_findings(perms)]
    admin = _ADMIN_FINDING in names
    return PrincipalRecord(
        principal_id=principal_id,
        name=name,
        kind=kind,
        scope=cluster,
        sha256=perms.sha256,
        entries=compact_json([list(e) for e in perms.entries]),
        admin=admin,
        # As for AWS (escalation.escalation_paths): an admin's other paths add nothing.
        escalations=() if admin else tuple(names),
        node_label=label,
        node_id=node_id,
        sources=sources,
    )


def compute_clusters(clusters: Iterable[str]) -> list[PrincipalRecord]:
    out = []
    for cluster in clusters:
        items = read_cluster(cluster)
        perms = k8s_permissions(items)
        for subject in sorted(perms):
            kind = subject.partition(":")[0]
            if kind not in ("User", "Group", "ServiceAccount"):
                continue  # malformed subject kinds grant nothing at the API server
            groups = _implicit_groups(subject)
            effective = with_groups(perms, subject, groups)
            out.append(record(cluster, subject, effective, compact_json(k8s_sources(items, subject, groups))))
    return out
