// Storage accounts whose allowSharedKeyAccess is true or unset (Azure's default is to allow it).
MATCH (a:AzureStorageAccount)
WHERE coalesce(a.allow_shared_key_access, true) = true
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(a)
WITH a, CASE WHEN a.allow_shared_key_access IS NULL THEN 'allowSharedKeyAccess unset (Azure allows shared keys)' ELSE 'allowSharedKeyAccess is true' END AS reason, head(collect(sub.id)) AS scope
RETURN a.id AS asset_id, coalesce(a.name, a.id) AS asset_name, 'AzureStorageAccount' AS label, scope, reason
ORDER BY asset_id
