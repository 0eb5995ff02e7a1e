"""KubernetesNode, linked to the EC2 instance behind it (Cartography: IS_INSTANCE)."""

from graph.schema.k8s.common import CLUSTER_NAME, cluster_resource
from graph.schema.model import JSON, SET, C, NodeSchema, P, RelSchema

KUBERNETES_NODE = NodeSchema(
    "KubernetesNode",
    {
        "id": P("id"),
        "name": P("name", index=True),
        "cluster_name": C(CLUSTER_NAME),
        "creation_timestamp": P("creation_timestamp"),
        "provider_id": P("provider_id"),
        "instance_id": P("instance_id", index=True),
        "architecture": P("architecture"),
        "os": P("os"),
        "os_image": P("os_image"),
        "kernel_version": P("kernel_version"),
        "container_runtime_version": P("container_runtime_version"),
        "kubelet_version": P("kubelet_version"),
        "labels": P("labels", kind=JSON),
        "internal_ips": P("internal_ips", kind=SET),
        "external_ips": P("external_ips", kind=SET),
    },
    sub_resource=cluster_resource(),
    # Cartography targets AWSEC2Instance, whose nodes also carry the legacy EC2Instance label that our AWS
    # modules use; matching EC2Instance by id links to either.
    relationships=(RelSchema("IS_INSTANCE", "EC2Instance", {"id": P("instance_id")}),),
)
