"""KubernetesDeployment (Cartography labels and keys)."""

from graph.schema.k8s.common import cluster_resource, workload_parent_namespace, workload_properties
from graph.schema.model import NodeSchema, P

KUBERNETES_DEPLOYMENT = NodeSchema(
    "KubernetesDeployment",
    workload_properties(
        replicas=P("replicas"), ready_replicas=P("ready_replicas"), available_replicas=P("available_replicas")
    ),
    sub_resource=cluster_resource(),
    relationships=(workload_parent_namespace(),),
    extra_labels=("ComputeService",),
)
