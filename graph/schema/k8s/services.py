"""KubernetesService: selector, the pods it selects, and its cloud load balancer (Cartography keys)."""

from graph.schema.k8s.common import NAMESPACED, cluster_resource, namespace_rel
from graph.schema.model import JSON, SET, NodeSchema, P, RelSchema

KUBERNETES_SERVICE = NodeSchema(
    "KubernetesService",
    {
        "id": P("id"),
        **NAMESPACED,
        "qualified_name": P("qualified_name"),
        # invgraph addition: "<cluster>/<namespace>/<name>", the key ingresses use to reach their backends
        # (Cartography's TARGETS matches on three properties, which our one-list relationships cannot).
        "composite_id": P("composite_id", index=True),
        "type": P("type", index=True),
        "selector": P("selector", kind=JSON),
        "cluster_ip": P("cluster_ip"),
        "load_balancer_ip": P("load_balancer_ip"),
        "load_balancer_ingress": P("load_balancer_ingress", kind=JSON),
        "load_balancer_dns_names": P("load_balancer_dns_names", kind=SET),
        "load_balancer_ips": P("load_balancer_ips", kind=SET),
        "ports": P("ports", kind=JSON),
        "port_numbers": P("port_numbers", kind=SET),
        "node_ports": P("node_ports", kind=SET),
        "external_ips": P("external_ips", kind=SET),
    },
    sub_resource=cluster_resource(),
    relationships=(
        namespace_rel(),
        RelSchema("TARGETS", "KubernetesPod", {"id": P("pod_ids")}, many=True),
        # Cartography: AWSLoadBalancerV2 {dnsname}; our LoadBalancerV2 nodes are keyed by DNS name.
        RelSchema("USES_LOAD_BALANCER", "LoadBalancerV2", {"id": P("load_balancer_dns_names")}, many=True),
    ),
)
