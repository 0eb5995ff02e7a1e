MATCH (:AzureSubscription)-[:RESOURCE]->(x:AzureSQLServer)
RETURN count(DISTINCT x) AS evaluated
