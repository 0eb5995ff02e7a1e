MATCH (:AWSAccount)-[:RESOURCE]->(s:SecretsManagerSecret) RETURN count(DISTINCT s) AS evaluated
