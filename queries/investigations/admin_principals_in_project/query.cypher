MATCH (p:PrincipalPermissions {provider: 'gcp', latest: true})
WHERE NOT coalesce(p.removed, false)
  AND p.entries CONTAINS '"projects/' + $project + '"'
UNWIND ['roles/owner', 'roles/editor'] AS role
WITH p, role, '["' + role + '","projects/' + $project + '","' AS prefix
WHERE p.entries CONTAINS prefix
// The entry's third field is where the binding is set: the project itself, a folder or the organization.
WITH p, role, split(split(p.entries, prefix)[1], '"')[0] AS granted_on
RETURN $project AS project, p.name AS member, p.principal_id AS principal, role, granted_on, p.scope AS scope
ORDER BY member, role
