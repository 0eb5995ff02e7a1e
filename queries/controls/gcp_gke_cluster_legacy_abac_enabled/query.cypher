// GKE clusters with legacy attribute-based access control (legacyAbac.enabled), which grants permissions
// outside Kubernetes RBAC.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(c:GKECluster)
WHERE c.legacy_abac = true
WITH DISTINCT c
CALL (c) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(c)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN c.id AS asset_id, coalesce(c.name, c.id) AS asset_name, 'GKECluster' AS label, scope,
       'legacy ABAC enabled: authorization is not limited to RBAC' AS reason
ORDER BY asset_id
