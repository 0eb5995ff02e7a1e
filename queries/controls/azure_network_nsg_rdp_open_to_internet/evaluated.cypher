MATCH (:AzureSubscription)-[:RESOURCE]->(x:AzureNetworkSecurityGroup)
RETURN count(DISTINCT x) AS evaluated
