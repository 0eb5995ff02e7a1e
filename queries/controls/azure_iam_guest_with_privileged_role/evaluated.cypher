MATCH (:AzureTenant)-[:RESOURCE]->(x:EntraUser)
RETURN count(DISTINCT x) AS evaluated
