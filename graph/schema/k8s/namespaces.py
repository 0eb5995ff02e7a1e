"""KubernetesNamespace (Cartography labels and keys)."""

from graph.schema.k8s.common import CLUSTER_ID, CLUSTER_NAME, cluster_resource
from graph.schema.model import JSON, C, NodeSchema, P, RelSchema

KUBERNETES_NAMESPACE = NodeSchema(
    "KubernetesNamespace",
    {
        "id": P("id"),
        "name": P("name", index=True),
        "cluster_name": C(CLUSTER_NAME),
        "creation_timestamp": P("creation_timestamp"),
        "deletion_timestamp": P("deletion_timestamp"),
        "status_phase": P("status_phase"),
        "labels": P("labels", kind=JSON),
    },
    sub_resource=cluster_resource(),
    relationships=(RelSchema("WORKLOAD_PARENT", "KubernetesCluster", {"id": C(CLUSTER_ID)}),),
    extra_labels=("ComputeNamespace",),
)
