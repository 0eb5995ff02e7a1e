MATCH (:AWSAccount)-[:RESOURCE]->(r:AWSRole) RETURN count(DISTINCT r) AS evaluated
