// Basic roles ($basic_roles: roles/owner, roles/editor) granted to people — user:, group: or domain: members —
// on the organization, a folder or a project. A grant on a folder or the organization is inherited by every
// project below it (PARENT, up to three levels), which the reason lists.
MATCH (b:GCPPolicyBinding)
WHERE b.role IN $basic_roles
  AND (b.resource_type IN ['organization', 'folder', 'project']
       OR EXISTS { (b)-[:APPLIES_TO]->(:GCPOrganization|GCPFolder|GCPProject) })
WITH b, [p IN coalesce(b.principals, []) WHERE p STARTS WITH 'user:' OR p STARTS WITH 'group:'
         OR p STARTS WITH 'domain:'] AS people
WHERE size(people) > 0
OPTIONAL MATCH (b)-[:APPLIES_TO]->(t:GCPOrganization|GCPFolder|GCPProject)
CALL (t) {
  OPTIONAL MATCH (t)<-[:PARENT*1..3]-(p:GCPProject)
  WITH p ORDER BY p.id
  RETURN collect(DISTINCT p.id) AS below
}
WITH b, people, below, coalesce(t.id, replace(b.resource, '//cloudresourcemanager.googleapis.com/', '')) AS target
CALL (b) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(b)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN b.id AS asset_id, b.role + ' on ' + target AS asset_name, 'GCPPolicyBinding' AS label, scope,
       b.role + ' granted to ' + reduce(s = '', m IN people | s + CASE s WHEN '' THEN '' ELSE ', ' END + m)
       + ' on ' + target
       + CASE WHEN size(below) = 0 THEN '' ELSE ', inherited by ' + reduce(s = '', p IN below
              | s + CASE s WHEN '' THEN '' ELSE ', ' END + p) END
       + CASE WHEN b.has_condition = true THEN ' (conditional: ' + coalesce(b.condition_title, 'untitled') + ')'
         ELSE '' END AS reason
ORDER BY asset_id
