// Storage accounts whose 'secure transfer required' setting (enableHttpsTrafficOnly) is off.
MATCH (a:AzureStorageAccount)
WHERE a.supports_https_traffic_only = false
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(a)
WITH a, 'secure transfer (HTTPS only) is off' AS reason, head(collect(sub.id)) AS scope
RETURN a.id AS asset_id, coalesce(a.name, a.id) AS asset_name, 'AzureStorageAccount' AS label, scope, reason
ORDER BY asset_id
