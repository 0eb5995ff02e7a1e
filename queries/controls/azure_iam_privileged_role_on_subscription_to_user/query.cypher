// Owner / User Access Administrator (by role definition id, so renamed displays do not hide them) granted to a
// User at subscription, management group or root scope; inherited assignments count in every subscription below.
MATCH (a:AzureRoleAssignment)
WHERE a.principal_type = 'User' AND a.scope_level IN ['subscription', 'management_group', 'root']
  AND any(g IN $roles WHERE a.role_definition_id ENDS WITH g)
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(a)
WITH a, coalesce(a.role_definition_name, 'privileged role') + ' for user ' + a.principal_id + ' at ' + a.scope_level + ' scope ' + a.scope AS reason, head(collect(sub.id)) AS scope
RETURN a.id AS asset_id, coalesce(a.name, a.id) AS asset_name, 'AzureRoleAssignment' AS label, scope, reason
ORDER BY asset_id
