// Instances running as the Compute Engine default service account with the cloud-platform access scope: the
// VM (and anyone who reaches its metadata server) can call every API the account's roles allow, by default
// roles/editor on the project. GKE nodes (names starting with gke-) are left out as CIS 4.2 does.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(i:GCPInstance)
WHERE i.service_account_email =~ '^[0-9]+-compute@developer[.]gserviceaccount[.]com$'
  AND any(sc IN coalesce(i.service_account_scopes, [])
          WHERE sc IN ['https://www.googleapis.com/auth/cloud-platform', 'cloud-platform'])
  AND NOT coalesce(i.name, '') STARTS WITH 'gke-'
WITH DISTINCT i
CALL (i) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(i)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN i.id AS asset_id, coalesce(i.name, i.id) AS asset_name, 'GCPInstance' AS label, scope,
       'runs as the default service account ' + i.service_account_email
       + ' with the cloud-platform scope (full access to all Cloud APIs)' AS reason
ORDER BY asset_id
