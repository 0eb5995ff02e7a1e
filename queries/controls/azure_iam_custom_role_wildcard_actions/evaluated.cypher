MATCH (:AzureSubscription)-[:RESOURCE]->(x:AzureRoleDefinition)
WHERE x.role_type = 'CustomRole'
RETURN count(DISTINCT x) AS evaluated
