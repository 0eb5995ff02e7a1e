"""KubernetesIngress: rules and the services they route to (Cartography labels and relationships)."""

from graph.schema.k8s.common import NAMESPACED, cluster_resource, namespace_rel
from graph.schema.model import NodeSchema, P, RelSchema

KUBERNETES_INGRESS = NodeSchema(
    "KubernetesIngress",
    {
        "id": P("id"),
        **NAMESPACED,
        "ingress_class_name": P("ingress_class_name"),
        "rules": P("rules"),
        "default_backend": P("default_backend"),
        "host_names": P("host_names"),
        "annotations": P("annotations"),
        "load_balancer_dns_names": P("load_balancer_dns_names"),
        "ingress_group_name": P("ingress_group_name"),
        "tls_hosts": P("tls_hosts"),
    },
    sub_resource=cluster_resource(),
    relationships=(
        namespace_rel(),
        RelSchema("TARGETS", "KubernetesService", {"composite_id": P("target_service_ids")}, many=True),
        RelSchema("USES_LOAD_BALANCER", "LoadBalancerV2", {"id": P("load_balancer_dns_names")}, many=True),
    ),
)
