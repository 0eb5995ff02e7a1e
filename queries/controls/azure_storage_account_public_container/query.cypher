// Storage accounts with at least one container whose publicAccess is blob or container (from storage container list) while the account does not block anonymous access.
MATCH (a:AzureStorageAccount)
WHERE coalesce(a.public_containers, 0) > 0 AND coalesce(a.allow_blob_public_access, true) <> false
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(a)
WITH a, toString(a.public_containers) + ' container(s) with anonymous read access' AS reason, head(collect(sub.id)) AS scope
RETURN a.id AS asset_id, coalesce(a.name, a.id) AS asset_name, 'AzureStorageAccount' AS label, scope, reason
ORDER BY asset_id
