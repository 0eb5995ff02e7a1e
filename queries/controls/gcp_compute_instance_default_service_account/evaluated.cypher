MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(i:GCPInstance)
WHERE NOT coalesce(i.name, '') STARTS WITH 'gke-'
RETURN count(DISTINCT i) AS evaluated
