MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(fw:GCPFirewall)
WHERE toUpper(coalesce(fw.direction, 'INGRESS')) = 'INGRESS'
RETURN count(DISTINCT fw) AS evaluated
