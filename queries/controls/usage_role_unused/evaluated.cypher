MATCH (:AWSAccount)-[:RESOURCE]->(r:AWSRole)
WHERE r.usage_status IN ['collected', 'credentials only'] AND NOT coalesce(r.path, '/') STARTS WITH '/aws-service-role/'
RETURN count(DISTINCT r) AS evaluated
