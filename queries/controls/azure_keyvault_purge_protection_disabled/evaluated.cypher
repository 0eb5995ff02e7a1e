MATCH (:AzureSubscription)-[:RESOURCE]->(x:AzureKeyVault)
WHERE x.properties_collected = true
RETURN count(DISTINCT x) AS evaluated
