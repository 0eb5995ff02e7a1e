"""AzureStorageBlobService (Cartography's label and edge): a storage account's blob service settings, from
``az storage account blob-service-properties show`` per account.

(AzureStorageAccount)-[:USES]->(AzureStorageBlobService)
"""

from graph.schema.azure.common import resource
from graph.schema.model import NUMBER, Direction, P, RelSchema

AZURE_STORAGE_BLOB_SERVICE = resource(
    "AzureStorageBlobService",
    {
        "id": P("id"),
        "type": P("type"),
        "storage_account_id": P("storage_account_id"),
        "delete_retention_enabled": P("delete_retention_enabled"),
        "delete_retention_days": P("delete_retention_days", kind=NUMBER),
        "container_delete_retention_enabled": P("container_delete_retention_enabled"),
        "container_delete_retention_days": P("container_delete_retention_days", kind=NUMBER),
        "versioning_enabled": P("versioning_enabled"),
        "change_feed_enabled": P("change_feed_enabled"),
        "restore_policy_enabled": P("restore_policy_enabled"),
        "last_access_time_tracking_enabled": P("last_access_time_tracking_enabled"),
    },
    (RelSchema("USES", "AzureStorageAccount", {"id": P("storage_account_id")}, Direction.INWARD),),
    in_group=False,
)
