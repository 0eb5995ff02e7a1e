MATCH (:AWSAccount)-[:RESOURCE]->(c:AWSEKSCluster) RETURN count(DISTINCT c) AS evaluated
