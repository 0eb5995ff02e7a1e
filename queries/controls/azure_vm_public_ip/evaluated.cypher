MATCH (:AzureSubscription)-[:RESOURCE]->(x:AzureVirtualMachine)
RETURN count(DISTINCT x) AS evaluated
