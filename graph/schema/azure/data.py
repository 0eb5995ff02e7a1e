"""AzureStorageAccount, AzureSQLServer + AzureSQLServerFirewallRule, AzureKeyVault (Cartography's labels; the
data-store kinds ObjectStorage / Database / Secret are ours, as for the other providers)."""

from graph.schema.azure.common import resource
from graph.schema.model import TIME_TEXT, P, RelSchema, props

AZURE_STORAGE_ACCOUNT = resource(
    "AzureStorageAccount",
    {
        "id": P("id"),
        **props("kind", "type", "sku", "access_tier", "primary_blob_endpoint", "public_network_access"),
        "creation_time": P("creation_time", kind=TIME_TEXT),
        "allow_blob_public_access": P("allow_blob_public_access"),
        "allow_shared_key_access": P("allow_shared_key_access"),
        "supports_https_traffic_only": P("supports_https_traffic_only"),
        "minimum_tls_version": P("minimum_tls_version"),
        "network_default_action": P("network_default_action"),
        "allow_cross_tenant_replication": P("allow_cross_tenant_replication"),
        # ours, from ``storage container list`` per account: containers whose publicAccess is not off
        "public_containers": P("public_containers"),
    },
    extra_labels=("ObjectStorage",),
)

AZURE_SQL_SERVER = resource(
    "AzureSQLServer",
    {
        "id": P("id"),
        **props("kind", "version", "state", "administrator_login", "fully_qualified_domain_name"),
        "public_network_access": P("public_network_access"),
        "minimal_tls_version": P("minimal_tls_version"),
        "firewall_rules_collected": P("firewall_rules_collected"),
    },
    extra_labels=("Database",),
)

AZURE_SQL_FIREWALL_RULE = resource(
    "AzureSQLServerFirewallRule",
    {
        "id": P("id"),
        "start_ip_address": P("start_ip_address"),
        "end_ip_address": P("end_ip_address"),
        "server_id": P("server_id", index=True),
    },
    (RelSchema("MEMBER_OF_AZURE_SQL_SERVER", "AzureSQLServer", {"id": P("server_id")}),),
    ("IpPermissionInbound", "IpRule"),
    in_group=False,
)

AZURE_KEY_VAULT = resource(
    "AzureKeyVault",
    {
        "id": P("id"),
        "vault_uri": P("vault_uri"),
        "properties_collected": P("properties_collected"),
        "enable_purge_protection": P("enable_purge_protection"),
        "enable_soft_delete": P("enable_soft_delete"),
        "soft_delete_retention_days": P("soft_delete_retention_days"),
        "enable_rbac_authorization": P("enable_rbac_authorization"),
        "public_network_access": P("public_network_access"),
        "network_default_action": P("network_default_action"),
    },
    extra_labels=("Secret",),
)
