// AKS clusters that are not private and have no apiServerAccessProfile.authorizedIpRanges: the Kubernetes API answers the whole internet.
MATCH (c:AzureKubernetesCluster)
WHERE coalesce(c.private_cluster, false) = false AND size(coalesce(c.authorized_ip_ranges, [])) = 0
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(c)
WITH c, 'public API server ' + coalesce(c.fqdn, '') + ' with no authorized IP ranges' AS reason, head(collect(sub.id)) AS scope
RETURN c.id AS asset_id, coalesce(c.name, c.id) AS asset_name, 'AzureKubernetesCluster' AS label, scope, reason
ORDER BY asset_id
