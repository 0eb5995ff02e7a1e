MATCH (a:AWSAccount)-[:RESOURCE]->(b:AWSS3Bucket)
// Our loader keeps the policy JSON; Cartography keeps its statements as AWSS3PolicyStatement nodes.
OPTIONAL MATCH (b)-[:POLICY_STATEMENT]->(st:AWSS3PolicyStatement)
WHERE st.effect = 'Deny' AND toString(st.condition) CONTAINS 'aws:SecureTransport'
WITH a, b, count(st) AS denying, COUNT { (b)-[:POLICY_STATEMENT]->(:AWSS3PolicyStatement) } AS statements
WHERE denying = 0 AND NOT coalesce(b.policy, '') =~ '(?s).*"Effect"\\s*:\\s*"Deny".*aws:SecureTransport.*'
  AND NOT coalesce(b.policy, '') =~ '(?s).*aws:SecureTransport.*"Effect"\\s*:\\s*"Deny".*'
RETURN b.id AS asset_id, b.name AS asset_name, 'S3Bucket' AS label, a.id AS scope,
       CASE WHEN b.policy IS NULL AND statements = 0 THEN 'no bucket policy, so HTTP requests are not denied'
            ELSE 'bucket policy has no Deny on aws:SecureTransport false' END AS reason
ORDER BY asset_id
