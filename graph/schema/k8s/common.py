"""Shared pieces of the Kubernetes schemas: the cluster owner edge and the namespace edges.

Context keys follow Cartography's kwargs: ``CLUSTER_ID`` (uid of the cluster's kube-system namespace) scopes
cleanup, ``CLUSTER_NAME`` (the snapshot folder / kubeconfig cluster name) keys namespaces by name, so an
object whose namespace was not collected still loads (its namespace edge simply finds nothing).
"""

from graph.schema.model import JSON, NUMBER, SET, C, Direction, P, RelSchema, account_resource

CLUSTER_ID = "CLUSTER_ID"
CLUSTER_NAME = "CLUSTER_NAME"


def cluster_resource() -> RelSchema:
    """(:KubernetesCluster)-[:RESOURCE]->(node): owner edge, scopes cleanup to one cluster."""
    return account_resource("KubernetesCluster", CLUSTER_ID)


def namespace_rel(
    rel_type: str = "CONTAINS", direction: Direction = Direction.INWARD, source: str = "namespace"
) -> RelSchema:
    """Edge to the object's namespace, matched by (cluster_name, name) like Cartography."""
    return RelSchema(
        rel_type,
        "KubernetesNamespace",
        {"cluster_name": C(CLUSTER_NAME), "name": P(source)},
        direction=direction,
    )


def workload_parent_namespace(source: str = "namespace") -> RelSchema:
    """(node)-[:WORKLOAD_PARENT]->(:KubernetesNamespace), Cartography's replacement for CONTAINS."""
    return namespace_rel("WORKLOAD_PARENT", Direction.OUTWARD, source)


# Properties every namespaced object carries (Cartography names; timestamps are epoch seconds).
NAMESPACED = {
    "name": P("name", index=True),
    "namespace": P("namespace", index=True),
    "cluster_name": C(CLUSTER_NAME),
    "creation_timestamp": P("creation_timestamp"),
    "deletion_timestamp": P("deletion_timestamp"),
}


def workload_properties(**extra: object) -> dict:
    """Properties shared by Deployment / DaemonSet / StatefulSet (Cartography's, plus pod-template facts)."""
    return {
        "id": P("id"),
        **NAMESPACED,
        "labels": P("labels", kind=JSON),
        "selector": P("selector", kind=JSON),
        "generation": P("generation", kind=NUMBER),
        # invgraph addition: the pod template's images and service account, so drift shows image rollouts
        # and controls can reason about workloads whose pods were not collected.
        "images": P("images", kind=SET),
        "service_account_name": P("service_account_name"),
        **extra,
    }
