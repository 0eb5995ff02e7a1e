"""Kubernetes resource modules, in load order: a module's relationships MATCH nodes loaded before it.

cluster → namespaces → nodes (→ EC2Instance) → service accounts (→ AWSRole) → secrets → RBAC roles, subjects,
bindings → workload controllers → pods/containers (→ nodes, SAs, secrets, controllers) → services and
network policies (→ pods) → ingresses (→ services). All run after the AWS modules (ingest/runner.py).
"""

from ingest.k8s import (
    cluster,
    clusterrolebindings,
    clusterroles,
    daemonsets,
    deployments,
    ingresses,
    namespaces,
    networkpolicies,
    nodes,
    pods,
    rolebindings,
    roles,
    secrets,
    serviceaccounts,
    services,
    statefulsets,
    subjects,
)

MODULES = [
    cluster.MODULE,
    namespaces.MODULE,
    nodes.MODULE,
    serviceaccounts.MODULE,
    secrets.MODULE,
    roles.MODULE,
    clusterroles.MODULE,
    subjects.MODULE,
    rolebindings.MODULE,
    clusterrolebindings.MODULE,
    deployments.MODULE,
    daemonsets.MODULE,
    statefulsets.MODULE,
    pods.MODULE,
    services.MODULE,
    networkpolicies.MODULE,
    ingresses.MODULE,
]
