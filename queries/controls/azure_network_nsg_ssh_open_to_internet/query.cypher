// Inbound Allow rules of an NSG whose source is the internet ($internet: *, Internet, 0.0.0.0/0, …) and whose
// destination ports cover one of $ports for tcp or any protocol, unless a Deny rule of the same NSG with a lower
// priority number (evaluated first) blocks the same port from the internet: Azure applies the first match.
MATCH (r:AzureNetworkSecurityRule)-[:MEMBER_OF_AZURE_NSG]->(g:AzureNetworkSecurityGroup)
WHERE r.direction = 'Inbound' AND r.access = 'Allow' AND toLower(coalesce(r.protocol, '*')) IN ['tcp', '*']
  AND any(s IN coalesce(r.source_prefixes, []) WHERE s IN $internet)
WITH g, r, [p IN $ports WHERE any(x IN coalesce(r.destination_ports, []) WHERE x = '*' OR x = toString(p)
     OR (x CONTAINS '-' AND toInteger(split(x, '-')[0]) <= p AND p <= toInteger(split(x, '-')[1])))] AS open
WHERE size(open) > 0
UNWIND open AS port
WITH g, r, port
WHERE NOT EXISTS {
  MATCH (d:AzureNetworkSecurityRule)-[:MEMBER_OF_AZURE_NSG]->(g)
  WHERE d.direction = 'Inbound' AND d.access = 'Deny' AND d.priority < r.priority
    AND toLower(coalesce(d.protocol, '*')) IN ['tcp', '*']
    AND any(s IN coalesce(d.source_prefixes, []) WHERE s IN ['*', 'Internet', '0.0.0.0/0', 'Any'])
    AND any(x IN coalesce(d.destination_ports, []) WHERE x = '*' OR x = toString(port)
        OR (x CONTAINS '-' AND toInteger(split(x, '-')[0]) <= port AND port <= toInteger(split(x, '-')[1])))
}
WITH g, port, r ORDER BY port, r.priority
WITH g, collect(DISTINCT port) AS ports, collect(DISTINCT r.name + ' (priority ' + toString(r.priority) + ')') AS rules
OPTIONAL MATCH (sub:AzureSubscription)-[:RESOURCE]->(g)
WITH g, ports, rules, 'port ' + reduce(s = '', p IN ports | s + CASE s WHEN '' THEN '' ELSE ',' END + toString(p)) + ' open to the internet by ' + reduce(s = '', x IN rules | s + CASE s WHEN '' THEN '' ELSE '; ' END + x) AS reason, head(collect(sub.id)) AS scope
RETURN g.id AS asset_id, coalesce(g.name, g.id) AS asset_name, 'AzureNetworkSecurityGroup' AS label, scope, reason
ORDER BY asset_id
