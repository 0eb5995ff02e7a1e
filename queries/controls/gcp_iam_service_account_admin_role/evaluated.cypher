// Customer service accounts: the collected ones plus those named in project-level or higher bindings.
CALL () {
  MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(sa:GCPServiceAccount)
  RETURN sa.email AS email
  UNION
  MATCH (b:GCPPolicyBinding)
  WHERE b.resource_type IN ['organization', 'folder', 'project']
       OR EXISTS { (b)-[:APPLIES_TO]->(:GCPOrganization|GCPFolder|GCPProject) }
  UNWIND [p IN coalesce(b.principals, []) WHERE p STARTS WITH 'serviceAccount:' | substring(p, 15)] AS email
  RETURN email
}
WITH email WHERE NOT email =~ $google_managed_service_accounts
RETURN count(DISTINCT email) AS evaluated
