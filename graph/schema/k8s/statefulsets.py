"""KubernetesStatefulSet (Cartography labels and keys)."""

from graph.schema.k8s.common import cluster_resource, workload_parent_namespace, workload_properties
from graph.schema.model import NodeSchema, P

KUBERNETES_STATEFULSET = NodeSchema(
    "KubernetesStatefulSet",
    workload_properties(
        replicas=P("replicas"), ready_replicas=P("ready_replicas"), service_name=P("service_name")
    ),
    sub_resource=cluster_resource(),
    relationships=(workload_parent_namespace(),),
    extra_labels=("ComputeService",),
)
