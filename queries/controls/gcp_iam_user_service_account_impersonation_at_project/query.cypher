// Bindings of Service Account User / Token Creator ($impersonation_roles) set on the organization, a folder or a
// project: the members may act as every service account of every project below. Grants on one service account
// (resource_type service_account) are the least-privilege form and are not reported; neither are members that are
// Google-managed service agents ($google_managed_service_accounts).
MATCH (b:GCPPolicyBinding)
WHERE b.role IN $impersonation_roles
  AND (b.resource_type IN ['organization', 'folder', 'project']
       OR EXISTS { (b)-[:APPLIES_TO]->(:GCPOrganization|GCPFolder|GCPProject) })
WITH b, [p IN coalesce(b.principals, [])
         WHERE NOT (p STARTS WITH 'serviceAccount:' AND substring(p, 15) =~ $google_managed_service_accounts)] AS members
WHERE size(members) > 0
OPTIONAL MATCH (b)-[:APPLIES_TO]->(t:GCPOrganization|GCPFolder|GCPProject)
WITH b, members, coalesce(t.id, replace(b.resource, '//cloudresourcemanager.googleapis.com/', '')) AS target
CALL (b) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(b)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN b.id AS asset_id, b.role + ' on ' + target AS asset_name, 'GCPPolicyBinding' AS label, scope,
       reduce(s = '', m IN members | s + CASE s WHEN '' THEN '' ELSE ', ' END + m)
       + ' can act as every service account in ' + target
       + CASE WHEN b.resource_type IN ['organization', 'folder'] THEN ' and below' ELSE '' END
       + CASE WHEN b.has_condition = true THEN ' (conditional: ' + coalesce(b.condition_title, 'untitled') + ')'
         ELSE '' END AS reason
ORDER BY asset_id
