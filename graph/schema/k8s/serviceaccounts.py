"""KubernetesServiceAccount, with IRSA (Cartography: ASSUMES_ROLE to the annotated AWSRole)."""

from graph.schema.k8s.common import CLUSTER_NAME, cluster_resource, namespace_rel
from graph.schema.model import C, NodeSchema, P, RelSchema

KUBERNETES_SERVICE_ACCOUNT = NodeSchema(
    "KubernetesServiceAccount",
    {
        "id": P("id"),  # <cluster>/<namespace>/<name>, as Cartography
        "name": P("name", index=True),
        "namespace": P("namespace", index=True),
        "cluster_name": C(CLUSTER_NAME),
        "uid": P("uid"),
        "creation_timestamp": P("creation_timestamp"),
        "resource_version": P("resource_version"),
        "automount_service_account_token": P("automount_service_account_token"),
        "aws_role_arn": P("aws_role_arn", index=True),
        "gcp_service_account": P("gcp_service_account"),
        # AKS workload identity: the client id of the Azure managed identity the account federates to.
        "azure_client_id": P("azure_client_id", index=True),
    },
    sub_resource=cluster_resource(),
    relationships=(
        namespace_rel(),
        # AWSRole's id is its ARN in Cartography and in invgraph; matching on id uses the unique constraint.
        RelSchema("ASSUMES_ROLE", "AWSRole", {"id": P("aws_role_arn")}),
    ),
    extra_labels=("ServiceAccount",),
)
