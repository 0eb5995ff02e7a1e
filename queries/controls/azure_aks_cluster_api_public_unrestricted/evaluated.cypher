MATCH (:AzureSubscription)-[:RESOURCE]->(x:AzureKubernetesCluster)
RETURN count(DISTINCT x) AS evaluated
