"""AzureVirtualMachine and AzureKubernetesCluster (Cartography's labels; identities are ours):

(AzureVirtualMachine|AzureKubernetesCluster)-[:RUNS_AS]->(AzureManagedIdentity) for user-assigned
identities; a system-assigned identity has no resource of its own, so its principal id is on the node
(``identity_principal_ids``, Cartography's field) and role assignments name it by ``principal_id``.
"""

from graph.schema.azure.common import resource
from graph.schema.model import SET, P, RelSchema, props

_RUNS_AS = RelSchema("RUNS_AS", "AzureManagedIdentity", {"id": P("user_identity_ids")}, many=True)

AZURE_VIRTUAL_MACHINE = resource(
    "AzureVirtualMachine",
    {
        "id": P("id"),
        **props("vm_id", "size", "computer_name", "os_type", "power_state", "admin_username"),
        "password_authentication": P("password_authentication"),
        "identity_type": P("identity_type"),
        "identity_principal_ids": P("identity_principal_ids", kind=SET),
        "user_identity_ids": P("user_identity_ids", kind=SET),
        "public_ips": P("public_ips", kind=SET),
        "private_ips": P("private_ips", kind=SET),
        "zones": P("zones", kind=SET),
    },
    (_RUNS_AS,),
    ("ComputeInstance", "Instance"),
)

AZURE_KUBERNETES_CLUSTER = resource(
    "AzureKubernetesCluster",
    {
        "id": P("id"),
        **props("fqdn", "private_fqdn", "kubernetes_version", "node_resource_group", "network_policy"),
        "enable_rbac": P("enable_rbac"),
        "aad_managed": P("aad_managed"),
        "azure_rbac": P("azure_rbac"),
        "disable_local_accounts": P("disable_local_accounts"),
        "private_cluster": P("private_cluster"),
        "authorized_ip_ranges": P("authorized_ip_ranges", kind=SET),
        "oidc_issuer_url": P("oidc_issuer_url"),
        "workload_identity_enabled": P("workload_identity_enabled"),
        "identity_type": P("identity_type"),
        "identity_principal_ids": P("identity_principal_ids", kind=SET),
        "user_identity_ids": P("user_identity_ids", kind=SET),
        "kubelet_identity_id": P("kubelet_identity_id"),
    },
    (
        _RUNS_AS,
        RelSchema("KUBELET_RUNS_AS", "AzureManagedIdentity", {"id": P("kubelet_identity_id")}),
        # The ingested Kubernetes cluster of the same name (Cartography's EKS edge; a snapshot knows a
        # Kubernetes cluster by its folder name, which ``az aks get-credentials`` makes the AKS name).
        # Kubernetes loads before Azure (ingest/runner.py), so the edge is merged from this side.
        RelSchema("MAPS_TO", "KubernetesCluster", {"name": P("name")}),
    ),
    ("ComputeCluster",),
)
