MATCH (:AzureSubscription)-[:RESOURCE]->(x:AzureStorageAccount)
RETURN count(DISTINCT x) AS evaluated
