MATCH (:AWSAccount)-[:RESOURCE]->(u:AWSUser) RETURN count(DISTINCT u) AS evaluated
