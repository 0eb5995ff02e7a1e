// Storage accounts whose minimumTlsVersion is TLS1_0 or TLS1_1.
MATCH (a:AzureStorageAccount)
WHERE a.minimum_tls_version IN ['TLS1_0', 'TLS1_1']
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(a)
WITH a, 'minimum TLS version is ' + a.minimum_tls_version AS reason, head(collect(sub.id)) AS scope
RETURN a.id AS asset_id, coalesce(a.name, a.id) AS asset_name, 'AzureStorageAccount' AS label, scope, reason
ORDER BY asset_id
