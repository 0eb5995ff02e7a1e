// Storage accounts whose allowBlobPublicAccess is true, so any container may be switched to anonymous (public) read.
MATCH (a:AzureStorageAccount)
WHERE a.allow_blob_public_access = true
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(a)
WITH a, 'allowBlobPublicAccess is true' AS reason, head(collect(sub.id)) AS scope
RETURN a.id AS asset_id, coalesce(a.name, a.id) AS asset_name, 'AzureStorageAccount' AS label, scope, reason
ORDER BY asset_id
