// Cloud SQL instances with a public IPv4 address (ipv4Enabled) whose authorized networks include a /0 range
// (0.0.0.0/0: every address may connect). Cartography keeps the CIDRs as GCPCloudSQLAuthorizedNetwork nodes;
// we keep them as the authorized_networks list on the instance (docs/schema/gcp.md).
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(db:GCPCloudSQLInstance)
WHERE (db.ipv4_enabled = true OR db.public_ip IS NOT NULL)
  AND any(n IN coalesce(db.authorized_networks, []) WHERE n ENDS WITH '/0')
WITH DISTINCT db
CALL (db) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(db)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN db.id AS asset_id, coalesce(db.name, db.id) AS asset_name, 'GCPCloudSQLInstance' AS label, scope,
       'public IP ' + coalesce(db.public_ip, 'enabled') + ' accepts connections from '
       + reduce(s = '', n IN [x IN db.authorized_networks WHERE x ENDS WITH '/0']
                | s + CASE s WHEN '' THEN '' ELSE ',' END + n)
       + ' (authorized network)' AS reason
ORDER BY asset_id
