MATCH (:AWSAccount)-[:RESOURCE]->(f:AWSLambda) RETURN count(DISTINCT f) AS evaluated
