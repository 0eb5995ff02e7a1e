"""Identities and RBAC: AzureManagedIdentity, AzureRoleDefinition, AzureRoleAssignment, EntraUser, EntraGroup,
EntraServicePrincipal.

(AzureRoleAssignment)-[:ROLE_ASSIGNED]->(AzureRoleDefinition) (Cartography); ours: (AzureRoleAssignment)
-[:APPLIES_TO]->(the management group, subscription, resource group or resource at its ``scope``), and
(AzureManagedIdentity|EntraUser|EntraGroup|EntraServicePrincipal)-[:HAS_ROLE_ASSIGNMENT]->(AzureRoleAssignment)
by principal id (a managed identity is also listed as a service principal: both edges meet its
assignments). Role definition ids are ``/providers/microsoft.authorization/roledefinitions/<guid>``
whatever scope listed them (a built-in role is one node for the whole tenant); the same assignment listed
by several subscriptions (inherited from a management group) is one node owned by each.
"""

from graph.schema.azure.common import TENANT_ID, resource, tenant_owned
from graph.schema.model import JSON, SET, Direction, NodeSchema, P, RelSchema, account_resource, props

AZURE_MANAGED_IDENTITY = resource(
    "AzureManagedIdentity",
    {
        "id": P("id"),
        "principal_id": P("principal_id", index=True),
        "client_id": P("client_id"),
        "tenant_id": P("tenant_id"),
        # ``identity federated-credential list`` of this identity: [{name, issuer, subject, audiences}], null
        # when that file was not collected (trust unknown, never "no federation").
        "federated_credentials": P("federated_credentials", kind=JSON),
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
        RelSchema("HAS_ROLE_ASSIGNMENT", "EntraGroup", {"id": P("principal_id")}, Direction.INWARD),
        RelSchema(
            "HAS_ROLE_ASSIGNMENT", "EntraServicePrincipal", {"id": P("principal_id")}, Direction.INWARD
        ),
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

# Cartography's EntraServicePrincipal (``ad sp list --all``): applications and managed identities alike.
ENTRA_SERVICE_PRINCIPAL = tenant_owned(
    "EntraServicePrincipal",
    {
        "id": P("id"),
        "app_id": P("app_id", index=True),
        **props("display_name", "service_principal_type", "app_owner_organization_id"),
        "account_enabled": P("account_enabled"),
    },
    extra_labels=("ServiceAccount",),
)

# Cartography's EntraGroup (``ad group list``). ``members_collected`` says whether the group's member list
# (``ad group member list``) was read this run: false means members unknown, never "no members".
ENTRA_GROUP = tenant_owned(
    "EntraGroup",
    {
        "id": P("id"),
        **props("display_name", "description", "mail", "mail_nickname", "visibility"),
        "security_enabled": P("security_enabled"),
        "mail_enabled": P("mail_enabled"),
        "is_assignable_to_role": P("is_assignable_to_role"),
        "group_types": P("group_types", kind=SET),
        "members_collected": P("members_collected"),
    },
    extra_labels=("UserGroup",),
)


def _member(label: str, key: str) -> RelSchema:
    return RelSchema("MEMBER_OF", label, {"id": P(key)}, Direction.INWARD, many=True)


# Direct members of a group whose member list was collected (Cartography: (member)-[:MEMBER_OF]->(group)).
# A composite schema (same label, loaded after ENTRA_GROUP so nested groups exist), written only for those
# groups and cleaned up only among them (``cleanup_scope``): a group whose list was not collected this run
# keeps its last known edges, and its ``members_collected`` false tells the analyses not to trust them.
ENTRA_GROUP_MEMBERS = NodeSchema(
    "EntraGroup",
    {"id": P("id"), "member_count": P("member_count")},
    account_resource("AzureTenant", TENANT_ID),
    (
        _member("EntraUser", "member_user_ids"),
        _member("EntraGroup", "member_group_ids"),
        _member("EntraServicePrincipal", "member_sp_ids"),
    ),
    cleanup_scope=("members_collected",),
)
