// AKS clusters whose enableRbac is false: every authenticated identity is effectively cluster-admin.
MATCH (c:AzureKubernetesCluster)
WHERE c.enable_rbac = false
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(c)
WITH c, 'Kubernetes RBAC disabled' AS reason, head(collect(sub.id)) AS scope
RETURN c.id AS asset_id, coalesce(c.name, c.id) AS asset_name, 'AzureKubernetesCluster' AS label, scope, reason
ORDER BY asset_id
