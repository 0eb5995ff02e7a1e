// Instances running as the Compute Engine default service account, <project number>-compute@developer…, which
// projects grant roles/editor unless the iam.automaticIamGrantsForDefaultServiceAccounts constraint is enforced.
// GKE nodes (names starting with gke-) are left out as CIS 4.1 does.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(i:GCPInstance)
WHERE i.service_account_email =~ '^[0-9]+-compute@developer[.]gserviceaccount[.]com$'
  AND NOT coalesce(i.name, '') STARTS WITH 'gke-'
WITH DISTINCT i
CALL (i) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(i)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN i.id AS asset_id, coalesce(i.name, i.id) AS asset_name, 'GCPInstance' AS label, scope,
       'runs as the Compute Engine default service account ' + i.service_account_email AS reason
ORDER BY asset_id
