// Instances with an external address on any network interface (accessConfigs natIP: public_ips, Cartography's
// public_ip). GKE nodes (names starting with gke-) are left out as CIS 4.9 does: the node pool owns them.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(i:GCPInstance)
WITH DISTINCT i, CASE WHEN size(coalesce(i.public_ips, [])) > 0 THEN i.public_ips
                      WHEN i.public_ip IS NOT NULL THEN [i.public_ip] ELSE [] END AS ips
WHERE size(ips) > 0 AND NOT coalesce(i.name, '') STARTS WITH 'gke-'
CALL (i) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(i)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN i.id AS asset_id, coalesce(i.name, i.id) AS asset_name, 'GCPInstance' AS label, scope,
       'external IP ' + reduce(s = '', ip IN ips | s + CASE s WHEN '' THEN '' ELSE ',' END + ip)
       + CASE WHEN i.status IS NULL THEN '' ELSE ' (instance ' + i.status + ')' END AS reason
ORDER BY asset_id
