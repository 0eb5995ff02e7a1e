// Cloud SQL instances that accept unencrypted connections. sslMode (ENCRYPTED_ONLY or
// TRUSTED_CLIENT_CERTIFICATE_REQUIRED) supersedes the legacy requireSsl flag; either one enforcing TLS passes.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(db:GCPCloudSQLInstance)
WHERE NOT (coalesce(db.require_ssl, false) = true
           OR coalesce(db.ssl_mode, '') IN ['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'])
WITH DISTINCT db
CALL (db) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(db)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN db.id AS asset_id, coalesce(db.name, db.id) AS asset_name, 'GCPCloudSQLInstance' AS label, scope,
       'unencrypted connections accepted: sslMode ' + coalesce(db.ssl_mode, 'unset') + ', requireSsl '
       + coalesce(toString(db.require_ssl), 'unset')
       + CASE WHEN db.public_ip IS NULL THEN '' ELSE ' (public IP ' + db.public_ip + ')' END AS reason
ORDER BY asset_id
