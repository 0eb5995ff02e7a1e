// AKS clusters whose disableLocalAccounts is false: the static cluster-admin kubeconfig (az aks get-credentials --admin) works.
MATCH (c:AzureKubernetesCluster)
WHERE c.disable_local_accounts = false
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(c)
WITH c, 'local accounts enabled (static admin kubeconfig available)' AS reason, head(collect(sub.id)) AS scope
RETURN c.id AS asset_id, coalesce(c.name, c.id) AS asset_name, 'AzureKubernetesCluster' AS label, scope, reason
ORDER BY asset_id
