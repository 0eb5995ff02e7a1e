MATCH (a:AWSAccount)-[:RESOURCE]->(c:AWSEKSCluster)
WHERE c.endpoint_public_access = true AND (c.public_access_cidrs IS NULL OR any(x IN c.public_access_cidrs WHERE x IN ['0.0.0.0/0', '::/0']))
RETURN c.arn AS asset_id, c.name AS asset_name, 'EKSCluster' AS label, a.id AS scope, 'API endpoint public to ' + CASE WHEN c.public_access_cidrs IS NULL THEN 'unknown CIDRs (not collected)' ELSE reduce(s = '', x IN c.public_access_cidrs | s + CASE s WHEN '' THEN '' ELSE ',' END + x) END AS reason
ORDER BY asset_id
