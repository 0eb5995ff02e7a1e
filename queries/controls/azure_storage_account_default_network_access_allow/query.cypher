// Storage accounts whose network rule set's defaultAction is Allow (no firewall or virtual network restriction).
MATCH (a:AzureStorageAccount)
WHERE a.network_default_action = 'Allow'
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(a)
WITH a, 'network default action is Allow' AS reason, head(collect(sub.id)) AS scope
RETURN a.id AS asset_id, coalesce(a.name, a.id) AS asset_name, 'AzureStorageAccount' AS label, scope, reason
ORDER BY asset_id
