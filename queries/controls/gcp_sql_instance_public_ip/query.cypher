// Cloud SQL instances with a public IPv4 address (settings.ipConfiguration.ipv4Enabled, PRIMARY address).
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(db:GCPCloudSQLInstance)
WHERE db.ipv4_enabled = true OR db.public_ip IS NOT NULL
WITH DISTINCT db
CALL (db) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(db)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN db.id AS asset_id, coalesce(db.name, db.id) AS asset_name, 'GCPCloudSQLInstance' AS label, scope,
       'public IP ' + coalesce(db.public_ip, 'enabled (address not collected)')
       + CASE WHEN size(coalesce(db.authorized_networks, [])) = 0 THEN ', no authorized networks'
         ELSE ', authorized networks ' + reduce(s = '', n IN db.authorized_networks
              | s + CASE s WHEN '' THEN '' ELSE ',' END + n) END AS reason
ORDER BY asset_id
