MATCH (a:AWSAccount)-[:RESOURCE]->(c:AWSEKSCluster)
WHERE c.secrets_encrypted = false
RETURN c.arn AS asset_id, c.name AS asset_name, 'EKSCluster' AS label, a.id AS scope, 'Kubernetes secrets are not envelope-encrypted with KMS' AS reason
ORDER BY asset_id
