// A VM is public when --show-details printed a public address for it, or one of its NICs carries a public IP
// resource that has an address.
MATCH (v:AzureVirtualMachine)
OPTIONAL MATCH (v)<-[:ATTACHED_TO]-(:AzureNetworkInterface)-[:ASSOCIATED_WITH]->(p:AzurePublicIPAddress)
WHERE p.ip_address IS NOT NULL
WITH v, coalesce(v.public_ips, []) + collect(DISTINCT p.ip_address) AS ips
WITH v, reduce(acc = [], i IN ips | CASE WHEN i IN acc THEN acc ELSE acc + i END) AS ips
WHERE size(ips) > 0
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(v)
WITH v, ips, 'public IP ' + reduce(s = '', i IN ips | s + CASE s WHEN '' THEN '' ELSE ',' END + i) AS reason, head(collect(sub.id)) AS scope
RETURN v.id AS asset_id, coalesce(v.name, v.id) AS asset_name, 'AzureVirtualMachine' AS label, scope, reason
ORDER BY asset_id
