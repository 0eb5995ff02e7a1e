MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(sa:GCPServiceAccount) RETURN count(DISTINCT sa) AS evaluated
