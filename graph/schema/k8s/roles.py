"""KubernetesRole and KubernetesClusterRole: rules flattened into lists, plus the rules as JSON."""

from graph.schema.k8s.common import CLUSTER_NAME, cluster_resource, namespace_rel
from graph.schema.model import JSON, SET, C, NodeSchema, P

_COMMON = {
    "id": P("id"),
    "name": P("name", index=True),
    "cluster_name": C(CLUSTER_NAME),
    "uid": P("uid"),
    "creation_timestamp": P("creation_timestamp"),
    "resource_version": P("resource_version"),
    "api_groups": P("api_groups", kind=SET),
    "resources": P("resources", kind=SET),
    "verbs": P("verbs", kind=SET),
    # invgraph additions: the exact rules (resourceNames, nonResourceURLs, per-rule pairing of verbs and
    # resources, which the flattened lists lose).
    "rules": P("rules", kind=JSON),
    "resource_names": P("resource_names", kind=SET),
}

KUBERNETES_ROLE = NodeSchema(
    "KubernetesRole",
    {**_COMMON, "namespace": P("namespace", index=True)},
    sub_resource=cluster_resource(),
    relationships=(namespace_rel(),),
    extra_labels=("PermissionRole",),
)

KUBERNETES_CLUSTER_ROLE = NodeSchema(
    "KubernetesClusterRole",
    {
        **_COMMON,
        "aggregation_rule": P("aggregation_rule", kind=JSON),
        "non_resource_urls": P("non_resource_urls", kind=SET),
    },
    sub_resource=cluster_resource(),
    extra_labels=("PermissionRole",),
)
