// Custom roles with '*' in actions (Microsoft.* wildcards on one provider are narrower and not reported here).
MATCH (d:AzureRoleDefinition)
WHERE d.role_type = 'CustomRole' AND '*' IN coalesce(d.actions, [])
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(d)
WITH d, 'custom role ' + coalesce(d.role_name, d.id) + ' allows actions *' AS reason, head(collect(sub.id)) AS scope
RETURN d.id AS asset_id, coalesce(d.name, d.id) AS asset_name, 'AzureRoleDefinition' AS label, scope, reason
ORDER BY asset_id
