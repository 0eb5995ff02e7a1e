// Application gateways whose request routing rules put a listener on a public frontend (one with a public IP) on
// one of $ports, while waf_enabled is false: webApplicationFirewallConfiguration not enabled and no firewallPolicy.
MATCH (g:AzureApplicationGateway)-[:CONTAINS]->(r:AzureApplicationGatewayRule)
      -[:USES_FRONTEND_IP]->(f:AzureApplicationGatewayFrontendIPConfiguration)
WHERE g.waf_enabled = false AND f.public_ip_address_id IS NOT NULL AND r.listener_port IN $ports
WITH g, r.listener_port AS port ORDER BY port
WITH g, collect(DISTINCT port) AS ports
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(g)
WITH g, 'no WAF on public listener port(s) ' + reduce(s = '', p IN ports | s + CASE s WHEN '' THEN '' ELSE ',' END + toString(p)) + ' (SKU ' + coalesce(g.sku_tier, '?') + ')' AS reason, head(collect(sub.id)) AS scope
RETURN g.id AS asset_id, coalesce(g.name, g.id) AS asset_name, 'AzureApplicationGateway' AS label, scope, reason
ORDER BY asset_id
