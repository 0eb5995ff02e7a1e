MATCH (:AWSAccount)-[:RESOURCE]->(d:AWSRDSInstance) RETURN count(DISTINCT d) AS evaluated
