MATCH (a:AWSAccount)-[:RESOURCE]->(u:AWSUser)-[:POLICY]->(p:AWSPolicy)-[:STATEMENT]->(st:AWSPolicyStatement)
WHERE st.effect = 'Allow' AND '*' IN coalesce(st.action, []) AND '*' IN coalesce(st.resource, [])
WITH a, u, collect(DISTINCT p.name) AS policies
RETURN u.arn AS asset_id, u.name AS asset_name, 'AWSUser' AS label, a.id AS scope,
       'Allow * on * attached directly: ' + reduce(s = '', x IN policies | s + CASE s WHEN '' THEN '' ELSE ', ' END + x)
       AS reason
ORDER BY asset_id
