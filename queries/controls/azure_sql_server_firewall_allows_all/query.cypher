// A rule spanning the whole IPv4 space, on a server whose public endpoint is not disabled.
MATCH (f:AzureSQLServerFirewallRule)-[:MEMBER_OF_AZURE_SQL_SERVER]->(s:AzureSQLServer)
WHERE f.start_ip_address = '0.0.0.0' AND f.end_ip_address = '255.255.255.255'
  AND coalesce(s.public_network_access, 'Enabled') <> 'Disabled'
WITH s, collect(f.name) AS names
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(s)
WITH s, names, 'firewall rule ' + reduce(x = '', n IN names | x + CASE x WHEN '' THEN '' ELSE ',' END + n) + ' admits 0.0.0.0-255.255.255.255' AS reason, head(collect(sub.id)) AS scope
RETURN s.id AS asset_id, coalesce(s.name, s.id) AS asset_name, 'AzureSQLServer' AS label, scope, reason
ORDER BY asset_id
