MATCH (:AWSAccount)-[:RESOURCE]->(k:AWSKMSKey) RETURN count(DISTINCT k) AS evaluated
