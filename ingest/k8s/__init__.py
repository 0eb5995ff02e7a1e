"""Kubernetes resource modules, in load order: a module's relationships MATCH nodes loaded before it.

cluster → namespaces → nodes (→ EC2Instance) → service accounts (→ AWSRole) → secrets → RBAC roles, subjects,
bindings → workload controllers (one table, workloads.py) → pods/containers (→ nodes, SAs, secrets,
controllers) → services and network policies (→ pods) → ingresses (→ services) → the optional audit log.
All run after the AWS modules (ingest/runner.py).
"""

from ingest.k8s import (
    audit_log,
    cluster,
    clusterrolebindings,
    clusterroles,
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
    subjects,
    workloads,
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
    workloads.DEPLOYMENTS,
    workloads.DAEMONSETS,
    workloads.STATEFULSETS,
    pods.MODULE,
    services.MODULE,
    networkpolicies.MODULE,
    ingresses.MODULE,
    audit_log.MODULE,
]
