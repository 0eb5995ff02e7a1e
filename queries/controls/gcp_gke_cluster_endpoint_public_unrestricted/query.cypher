// GKE clusters whose control plane has a public endpoint (private endpoint not enforced) reachable from anywhere:
// master authorized networks disabled, or enabled with a /0 range among its CIDR blocks.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(c:GKECluster)
WHERE coalesce(c.private_endpoint_enabled, false) = false AND coalesce(c.public_endpoint, c.endpoint) IS NOT NULL
  AND (coalesce(c.master_authorized_networks, false) = false
       OR any(x IN coalesce(c.master_authorized_cidrs, []) WHERE x ENDS WITH '/0'))
WITH DISTINCT c
CALL (c) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(c)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN c.id AS asset_id, coalesce(c.name, c.id) AS asset_name, 'GKECluster' AS label, scope,
       'control plane endpoint ' + coalesce(c.public_endpoint, c.endpoint) + ' is public and '
       + CASE WHEN coalesce(c.master_authorized_networks, false) = false THEN 'master authorized networks are disabled'
         ELSE 'master authorized networks include ' + reduce(s = '', x IN [y IN c.master_authorized_cidrs
              WHERE y ENDS WITH '/0'] | s + CASE s WHEN '' THEN '' ELSE ',' END + x) END AS reason
ORDER BY asset_id
