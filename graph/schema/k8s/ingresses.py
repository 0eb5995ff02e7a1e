"""KubernetesIngress: rules and the services they route to (Cartography labels and relationships)."""

from graph.schema.k8s.common import NAMESPACED, cluster_resource, namespace_rel
from graph.schema.model import JSON, SET, NodeSchema, P, RelSchema

KUBERNETES_INGRESS = NodeSchema(
    "KubernetesIngress",
    {
        "id": P("id"),
        **NAMESPACED,
        "ingress_class_name": P("ingress_class_name"),
        "rules": P("rules", kind=JSON),
        "default_backend": P("default_backend", kind=JSON),
        "host_names": P("host_names", kind=SET),
        "annotations": P("annotations", kind=JSON),
        "load_balancer_dns_names": P("load_balancer_dns_names", kind=SET),
        "ingress_group_name": P("ingress_group_name"),
        "tls_hosts": P("tls_hosts", kind=SET),
    },
    sub_resource=cluster_resource(),
    relationships=(
        namespace_rel(),
        RelSchema("TARGETS", "KubernetesService", {"composite_id": P("target_service_ids")}, many=True),
        RelSchema("USES_LOAD_BALANCER", "LoadBalancerV2", {"id": P("load_balancer_dns_names")}, many=True),
    ),
)
