MATCH (a:AWSAccount)-[:RESOURCE]->(f:AWSLambda)
WHERE f.anonymous_access = true
RETURN f.arn AS asset_id, f.name AS asset_name, 'AWSLambda' AS label, a.id AS scope,
       'resource policy allows anonymous ' + CASE WHEN size(coalesce(f.anonymous_actions, [])) = 0 THEN 'access'
       ELSE reduce(s = '', x IN f.anonymous_actions | s + CASE s WHEN '' THEN '' ELSE ',' END + x) END AS reason
ORDER BY asset_id
