MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(c:GKECluster) RETURN count(DISTINCT c) AS evaluated
