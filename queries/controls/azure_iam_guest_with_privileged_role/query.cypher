// Guest users (userType Guest, from ad user list) holding Owner, Contributor or User Access Administrator at any
// scope; the finding's scope is the tenant the user belongs to.
MATCH (u:EntraUser)-[:HAS_ROLE_ASSIGNMENT]->(a:AzureRoleAssignment)
WHERE u.user_type = 'Guest' AND any(g IN $roles WHERE a.role_definition_id ENDS WITH g)
WITH u, collect(DISTINCT coalesce(a.role_definition_name, a.role_definition_id) + ' at ' + a.scope) AS grants
OPTIONAL MATCH (t:AzureTenant)-[:RESOURCE]->(u)
WITH u, grants, head(collect(t.id)) AS scope
RETURN u.id AS asset_id, coalesce(u.user_principal_name, u.id) AS asset_name, 'EntraUser' AS label, scope,
       'guest with ' + reduce(s = '', g IN grants | s + CASE s WHEN '' THEN '' ELSE '; ' END + g) AS reason
ORDER BY asset_id
