MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(db:GCPCloudSQLInstance) RETURN count(DISTINCT db) AS evaluated
