MATCH (p:AWSPolicy)-[:STATEMENT]->(st:AWSPolicyStatement)
WHERE st.effect = 'Allow' AND '*' IN coalesce(st.action, []) AND '*' IN coalesce(st.resource, [])
MATCH (a:AWSAccount)-[:RESOURCE]->(holder:AWSPrincipal)-[:POLICY]->(p)
WITH a, p, [l IN labels(holder) WHERE l IN ['AWSUser', 'AWSGroup', 'AWSRole']][0] AS kind, holder.name AS name
WITH a, p, toLower(replace(coalesce(kind, 'principal'), 'AWS', '')) + ' ' + name AS holder ORDER BY holder
WITH a, p, collect(DISTINCT holder) AS holders
RETURN coalesce(p.arn, p.id) AS asset_id, p.name AS asset_name, 'AWSPolicy' AS label, a.id AS scope,
       'Allow * on * attached to ' + reduce(s = '', x IN holders | s + CASE s WHEN '' THEN '' ELSE ', ' END + x)
       AS reason
ORDER BY asset_id, scope
