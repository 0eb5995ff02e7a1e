// Instances with canIpForward: they may send and receive packets for addresses that are not their own. GKE nodes
// (names starting with gke-) need it for pod routing and are left out as CIS 4.6 does.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(i:GCPInstance)
WHERE i.can_ip_forward = true AND NOT coalesce(i.name, '') STARTS WITH 'gke-'
WITH DISTINCT i
CALL (i) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(i)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN i.id AS asset_id, coalesce(i.name, i.id) AS asset_name, 'GCPInstance' AS label, scope,
       'IP forwarding enabled (canIpForward): the instance can route traffic for other addresses' AS reason
ORDER BY asset_id
