MATCH (:AzureSubscription)-[:RESOURCE]->(x:AzureApplicationGateway)
RETURN count(DISTINCT x) AS evaluated
