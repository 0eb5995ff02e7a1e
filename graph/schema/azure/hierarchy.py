"""AzureTenant, AzureManagementGroup, AzureSubscription, AzureResourceGroup (Cartography's labels and edges):

(AzureTenant)-[:RESOURCE]->(AzureManagementGroup|AzureSubscription); (AzureManagementGroup)-[:PARENT]->
(AzureManagementGroup|AzureTenant); (AzureSubscription)-[:PARENT]->(AzureManagementGroup);
(AzureSubscription)-[:RESOURCE]->(AzureResourceGroup). Management group ids are their ARM ids
(``/providers/microsoft.management/managementgroups/<name>``, lower-cased), subscription ids the GUID.
"""

from graph.schema.azure.common import SUBSCRIPTION_ID, tenant_owned
from graph.schema.model import Direction, NodeSchema, P, RelSchema, account_resource, props

AZURE_TENANT = NodeSchema(
    "AzureTenant",
    {"id": P("id"), "display_name": P("display_name"), "default_domain": P("default_domain")},
    extra_labels=("Tenant",),
)

AZURE_MANAGEMENT_GROUP = tenant_owned(
    "AzureManagementGroup",
    {
        "id": P("id"),
        "resource_id": P("resource_id"),
        "name": P("name", index=True),
        "displayname": P("displayname"),
        "tenantid": P("tenantid"),
        "type": P("type"),
        "parent_management_group_id": P("parent_management_group_id"),
        "parent_tenant_id": P("parent_tenant_id"),
    },
    (
        RelSchema("PARENT", "AzureManagementGroup", {"id": P("parent_management_group_id")}),
        RelSchema("PARENT", "AzureTenant", {"id": P("parent_tenant_id")}),
    ),
)

_SUBSCRIPTION = {
    "id": P("id"),
    "subscriptionid": P("id"),
    "path": P("path"),
    "name": P("name", index=True),
    "state": P("state"),
    "tenant_id": P("tenant_id"),
    "is_default": P("is_default"),
    "parent_management_group_id": P("parent_management_group_id"),
}
AZURE_SUBSCRIPTION = tenant_owned(
    "AzureSubscription",
    _SUBSCRIPTION,
    (RelSchema("PARENT", "AzureManagementGroup", {"id": P("parent_management_group_id")}),),
    ("Tenant",),
)
# The subscription a folder is named after, loaded by its own resource-group module so that every module of
# the subscription has an owner even when the tenant's ``account list`` did not show it (no cleanup: the
# tenant's listing owns subscriptions).
AZURE_SUBSCRIPTION_SCOPE = NodeSchema(
    "AzureSubscription",
    {"id": P("id"), "subscriptionid": P("id"), "path": P("path")},
    relationships=(RelSchema("RESOURCE", "AzureTenant", {"id": P("tenant_id")}, Direction.INWARD),),
    extra_labels=("Tenant",),
)

AZURE_RESOURCE_GROUP = NodeSchema(
    "AzureResourceGroup",
    {
        "id": P("id"),
        "resource_id": P("resource_id"),
        "subscription_id": P("subscription_id"),
        **props("name", "location", "provisioning_state"),
    },
    account_resource("AzureSubscription", SUBSCRIPTION_ID),
)
