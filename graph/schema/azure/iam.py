"""Identities and RBAC: AzureManagedIdentity, AzureRoleDefinition, AzureRoleAssignment, EntraUser.

(AzureRoleAssignment)-[:ROLE_ASSIGNED]->(AzureRoleDefinition) (Cartography); ours: (AzureRoleAssignment)
-[:APPLIES_TO]->(the management group, subscription, resource group or resource at its ``scope``), and
(AzureManagedIdentity|EntraUser)-[:HAS_ROLE_ASSIGNMENT]->(AzureRoleAssignment) by principal id. Role
definition ids are ``/providers/microsoft.authorization/roledefinitions/<guid>`` whatever scope listed them
(a built-in role is one node for the whole tenant); the same assignment listed by several subscriptions
(inherited from a management group) is one node owned by each.
"""

from graph.schema.azure.common import resource, tenant_owned
from graph.schema.model import SET, Direction, P, RelSchema, props

AZURE_MANAGED_IDENTITY = resource(
    "AzureManagedIdentity",
    {
        "id": P("id"),
        "principal_id": P("principal_id", index=True),
        "client_id": P("client_id"),
        "tenant_id": P("tenant_id"),
    },
    extra_labels=("ServiceAccount",),
)

AZURE_ROLE_DEFINITION = resource(
    "AzureRoleDefinition",
    {
        "id": P("id"),
        **props("role_name", "role_type", "description"),
        "actions": P("actions", kind=SET),
        "not_actions": P("not_actions", kind=SET),
        "data_actions": P("data_actions", kind=SET),
        "not_data_actions": P("not_data_actions", kind=SET),
        "assignable_scopes": P("assignable_scopes", kind=SET),
    },
    extra_labels=("PermissionRole",),
    in_group=False,
)


def _applies(label: str, key: str = "scope_id") -> RelSchema:
    return RelSchema("APPLIES_TO", label, {"id": P(key)})


AZURE_ROLE_ASSIGNMENT = resource(
    "AzureRoleAssignment",
    {
        "id": P("id"),
        **props(
            "principal_type", "principal_name", "role_definition_name", "scope", "scope_level", "condition"
        ),
        "principal_id": P("principal_id", index=True),
        "role_definition_id": P("role_definition_id"),
        "inherited": P("inherited"),
    },
    (
        RelSchema("ROLE_ASSIGNED", "AzureRoleDefinition", {"id": P("role_definition_id")}),
        _applies("AzureManagementGroup"),
        _applies("AzureSubscription", "scope_subscription"),
        _applies("AzureResourceGroup"),
        _applies("AzureStorageAccount"),
        _applies("AzureKeyVault"),
        _applies("AzureSQLServer"),
        _applies("AzureVirtualMachine"),
        RelSchema(
            "HAS_ROLE_ASSIGNMENT",
            "AzureManagedIdentity",
            {"principal_id": P("principal_id")},
            Direction.INWARD,
        ),
        RelSchema("HAS_ROLE_ASSIGNMENT", "EntraUser", {"id": P("principal_id")}, Direction.INWARD),
    ),
    in_group=False,
)

ENTRA_USER = tenant_owned(
    "EntraUser",
    {
        "id": P("id"),
        **props("user_principal_name", "display_name", "mail", "user_type"),
        "account_enabled": P("account_enabled"),
    },
    extra_labels=("UserAccount",),
)
