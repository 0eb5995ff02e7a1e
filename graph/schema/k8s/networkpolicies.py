"""KubernetesNetworkPolicy and the pods its podSelector selects (Cartography: APPLIES_TO)."""

from graph.schema.k8s.common import NAMESPACED, cluster_resource, namespace_rel
from graph.schema.model import JSON, SET, NodeSchema, P, RelSchema

KUBERNETES_NETWORK_POLICY = NodeSchema(
    "KubernetesNetworkPolicy",
    {
        "id": P("id"),
        **NAMESPACED,
        "pod_selector": P("pod_selector", kind=JSON),
        "policy_types": P("policy_types", kind=SET),
        "ingress_rules": P("ingress_rules", kind=JSON),
        "egress_rules": P("egress_rules", kind=JSON),
        "restricts_ingress": P("restricts_ingress"),
        "restricts_egress": P("restricts_egress"),
    },
    sub_resource=cluster_resource(),
    relationships=(
        namespace_rel(),
        RelSchema("APPLIES_TO", "KubernetesPod", {"id": P("pod_ids")}, many=True),
    ),
)
