"""KubernetesRoleBinding and KubernetesClusterRoleBinding: ROLE_REF to the role, SUBJECT to each subject."""

from graph.schema.k8s.common import CLUSTER_NAME, cluster_resource, namespace_rel
from graph.schema.model import JSON, SET, C, NodeSchema, P, RelSchema

_COMMON = {
    "id": P("id"),
    "name": P("name", index=True),
    "cluster_name": C(CLUSTER_NAME),
    "uid": P("uid"),
    "creation_timestamp": P("creation_timestamp"),
    "resource_version": P("resource_version"),
    "role_name": P("role_name"),
    "role_kind": P("role_kind"),
    "role_id": P("role_id"),
    "service_account_ids": P("service_account_ids", kind=SET),
    "user_ids": P("user_ids", kind=SET),
    "group_ids": P("group_ids", kind=SET),
    "subjects": P("subjects", kind=JSON),  # invgraph addition: the subjects as JSON
}
_SUBJECTS = (
    RelSchema("SUBJECT", "KubernetesServiceAccount", {"id": P("service_account_ids")}, many=True),
    RelSchema("SUBJECT", "KubernetesUser", {"id": P("user_ids")}, many=True),
    RelSchema("SUBJECT", "KubernetesGroup", {"id": P("group_ids")}, many=True),
)

KUBERNETES_ROLE_BINDING = NodeSchema(
    "KubernetesRoleBinding",
    {**_COMMON, "namespace": P("namespace", index=True)},
    sub_resource=cluster_resource(),
    relationships=(
        namespace_rel(),
        *_SUBJECTS,
        RelSchema("ROLE_REF", "KubernetesRole", {"id": P("_role_ref_role")}),
        # A RoleBinding may grant a ClusterRole inside its namespace; Cartography only links Roles.
        RelSchema("ROLE_REF", "KubernetesClusterRole", {"id": P("_role_ref_cluster_role")}),
    ),
)

KUBERNETES_CLUSTER_ROLE_BINDING = NodeSchema(
    "KubernetesClusterRoleBinding",
    _COMMON,
    sub_resource=cluster_resource(),
    relationships=(*_SUBJECTS, RelSchema("ROLE_REF", "KubernetesClusterRole", {"id": P("role_id")})),
)
