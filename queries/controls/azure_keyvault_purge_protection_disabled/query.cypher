// Key vaults whose enablePurgeProtection is not enabled. Vaults whose properties were not collected (keyvault list without properties) are skipped.
MATCH (k:AzureKeyVault)
WHERE k.properties_collected = true AND k.enable_purge_protection = false
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(k)
WITH k, 'purge protection disabled' AS reason, head(collect(sub.id)) AS scope
RETURN k.id AS asset_id, coalesce(k.name, k.id) AS asset_name, 'AzureKeyVault' AS label, scope, reason
ORDER BY asset_id
