MATCH (a:AWSAccount)-[:RESOURCE]->(c:AWSEKSCluster)
WHERE c.audit_logging = false
RETURN c.arn AS asset_id, c.name AS asset_name, 'EKSCluster' AS label, a.id AS scope, 'control plane audit logging is disabled' AS reason
ORDER BY asset_id
