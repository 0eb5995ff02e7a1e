MATCH (o)-[:RESOURCE]->(p)
WHERE (o:AWSAccount OR o:GCPOrganization OR o:GCPProject) AND (p:AWSUser OR p:AWSRole OR p:GCPServiceAccount)
  AND p.admin_equivalent = true AND p.usage_status = 'collected' AND p.usage_ratio IS NOT NULL
  AND p.usage_ratio < $max_ratio
WITH p, head(collect(o.id)) AS scope
RETURN p.id AS asset_id, coalesce(p.name, p.email) AS asset_name,
       [x IN labels(p) WHERE x IN ['AWSUser', 'AWSRole', 'GCPServiceAccount']][0] AS label, scope,
       'admin-equivalent, uses ' + toString(round(p.usage_ratio * 1000) / 10.0) + ' % of its grants in '
       + toString(p.usage_window_days) + ' days' AS reason
ORDER BY asset_id
