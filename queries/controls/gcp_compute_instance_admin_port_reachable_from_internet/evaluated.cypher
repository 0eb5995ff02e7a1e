MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(i:GCPInstance)
WHERE coalesce(i.status, 'RUNNING') = 'RUNNING'
RETURN count(DISTINCT i) AS evaluated
