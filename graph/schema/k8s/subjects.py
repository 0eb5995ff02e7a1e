"""KubernetesUser and KubernetesGroup: the non-ServiceAccount subjects named by (cluster)role bindings."""

from graph.schema.k8s.common import cluster_resource
from graph.schema.model import NodeSchema, P

_PROPS = {"id": P("id"), "name": P("name", index=True), "cluster_name": P("cluster_name")}

KUBERNETES_USER = NodeSchema(
    "KubernetesUser", dict(_PROPS), sub_resource=cluster_resource(), extra_labels=("UserAccount",)
)
KUBERNETES_GROUP = NodeSchema(
    "KubernetesGroup", dict(_PROPS), sub_resource=cluster_resource(), extra_labels=("UserGroup",)
)
