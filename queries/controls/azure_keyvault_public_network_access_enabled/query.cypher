// Key vaults with public network access enabled and no network ACL default Deny. Vaults whose properties were not collected (keyvault list without properties) are skipped.
MATCH (k:AzureKeyVault)
WHERE k.properties_collected = true AND coalesce(k.public_network_access, 'Enabled') = 'Enabled' AND coalesce(k.network_default_action, 'Allow') = 'Allow'
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(k)
WITH k, 'public network access enabled, network default action ' + coalesce(k.network_default_action, 'Allow (no ACL)') AS reason, head(collect(sub.id)) AS scope
RETURN k.id AS asset_id, coalesce(k.name, k.id) AS asset_name, 'AzureKeyVault' AS label, scope, reason
ORDER BY asset_id
