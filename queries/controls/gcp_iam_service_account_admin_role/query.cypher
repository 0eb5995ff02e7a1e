// Customer service accounts granted an administrative role ($admin_role_pattern: roles/owner, roles/editor, any
// …Admin/…admin role) on the organization, a folder or a project: IAM inheritance gives it on every project
// below. Google-managed service agents ($google_managed_service_accounts) need their grants and are left out.
// The asset is the service account node (its uniqueId) when it was collected, else its email.
MATCH (b:GCPPolicyBinding)
WHERE b.role =~ $admin_role_pattern
  AND (b.resource_type IN ['organization', 'folder', 'project']
       OR EXISTS { (b)-[:APPLIES_TO]->(:GCPOrganization|GCPFolder|GCPProject) })
UNWIND [p IN coalesce(b.principals, []) WHERE p STARTS WITH 'serviceAccount:' | substring(p, 15)] AS email
WITH b, email
WHERE NOT email =~ $google_managed_service_accounts
OPTIONAL MATCH (b)-[:APPLIES_TO]->(t:GCPOrganization|GCPFolder|GCPProject)
WITH b, email, b.role + ' on ' + coalesce(t.id, replace(b.resource, '//cloudresourcemanager.googleapis.com/', ''))
     + CASE WHEN t:GCPProject OR b.resource_type = 'project' THEN '' ELSE ' (inherited by every project below)' END
     + CASE WHEN b.has_condition = true THEN ' (conditional)' ELSE '' END AS grant
ORDER BY grant
WITH email, collect(DISTINCT grant) AS grants, head(collect(b)) AS b
CALL (email) {
  OPTIONAL MATCH (sa:GCPServiceAccount {email: email})
  RETURN sa ORDER BY sa.id LIMIT 1
}
WITH email, grants, sa, coalesce(sa, b) AS owned
CALL (owned) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(owned)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN coalesce(sa.id, email) AS asset_id, email AS asset_name, 'GCPServiceAccount' AS label, scope,
       'administrative role: ' + reduce(s = '', g IN grants | s + CASE s WHEN '' THEN '' ELSE '; ' END + g) AS reason
ORDER BY asset_id
