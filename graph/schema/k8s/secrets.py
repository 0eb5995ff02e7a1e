"""KubernetesSecret: metadata and type only. Values (data / stringData) never reach a row."""

from graph.schema.k8s.common import NAMESPACED, cluster_resource, namespace_rel
from graph.schema.model import NodeSchema, P

KUBERNETES_SECRET = NodeSchema(
    "KubernetesSecret",
    {
        "id": P("id"),
        **NAMESPACED,
        "composite_id": P("composite_id", index=True),  # <cluster>/<namespace>/<name>; pods link by it
        "type": P("type", index=True),
        "owner_references": P("owner_references"),
    },
    sub_resource=cluster_resource(),
    relationships=(namespace_rel(),),
    extra_labels=("Secret",),
)
