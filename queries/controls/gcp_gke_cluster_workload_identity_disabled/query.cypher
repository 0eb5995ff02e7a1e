// GKE clusters without a workload identity pool (workloadIdentityConfig.workloadPool): every pod can use the
// node's service account through the metadata server.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(c:GKECluster)
WHERE coalesce(c.workload_identity_enabled, false) = false AND c.workload_pool IS NULL
WITH DISTINCT c
CALL (c) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(c)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN c.id AS asset_id, coalesce(c.name, c.id) AS asset_name, 'GKECluster' AS label, scope,
       'Workload Identity disabled: pods use the node service account'
       + CASE WHEN size(coalesce(c.node_service_accounts, [])) = 0 THEN ''
         ELSE ' (' + reduce(s = '', x IN c.node_service_accounts | s + CASE s WHEN '' THEN '' ELSE ',' END + x) + ')'
         END AS reason
ORDER BY asset_id
