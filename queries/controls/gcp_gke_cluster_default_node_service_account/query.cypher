// GKE clusters with a node pool running as the Compute Engine default service account ("default" in the API, or
// <project number>-compute@developer…). A cluster whose node service accounts were not collected is not reported.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(c:GKECluster)
WITH DISTINCT c, [sa IN coalesce(c.node_service_accounts, [])
                  WHERE sa = 'default' OR sa =~ '^[0-9]+-compute@developer[.]gserviceaccount[.]com$'] AS defaults
WHERE size(defaults) > 0
CALL (c) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(c)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN c.id AS asset_id, coalesce(c.name, c.id) AS asset_name, 'GKECluster' AS label, scope,
       'node pools run as the Compute Engine default service account: '
       + reduce(s = '', x IN defaults | s + CASE s WHEN '' THEN '' ELSE ',' END
                + CASE x WHEN 'default' THEN '"default"' ELSE x END) AS reason
ORDER BY asset_id
