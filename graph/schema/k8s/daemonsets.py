"""KubernetesDaemonSet (Cartography labels and keys)."""

from graph.schema.k8s.common import cluster_resource, workload_parent_namespace, workload_properties
from graph.schema.model import NodeSchema, P

KUBERNETES_DAEMONSET = NodeSchema(
    "KubernetesDaemonSet",
    workload_properties(
        desired_number_scheduled=P("desired_number_scheduled"), number_ready=P("number_ready")
    ),
    sub_resource=cluster_resource(),
    relationships=(workload_parent_namespace(),),
    extra_labels=("ComputeService",),
)
