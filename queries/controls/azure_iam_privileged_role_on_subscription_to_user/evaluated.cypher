MATCH (:AzureSubscription)-[:RESOURCE]->(x:AzureRoleAssignment)
RETURN count(DISTINCT x) AS evaluated
