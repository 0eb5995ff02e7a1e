MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(b:GCPBucket) RETURN count(DISTINCT b) AS evaluated
