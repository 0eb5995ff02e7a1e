MATCH (:AWSAccount)-[:RESOURCE]->(u:AWSUser)-[:AWS_ACCESS_KEY]->(k:AWSAccountAccessKey)
WHERE k.status = 'Active'
RETURN count(DISTINCT u) AS evaluated
