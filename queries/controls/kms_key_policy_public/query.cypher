MATCH (a:AWSAccount)-[:RESOURCE]->(k:AWSKMSKey)
WHERE k.anonymous_access = true
RETURN k.arn AS asset_id, coalesce(k.description, k.key_id) AS asset_name, 'AWSKMSKey' AS label, a.id AS scope,
       'key policy allows anonymous ' + CASE WHEN size(coalesce(k.anonymous_actions, [])) = 0 THEN 'access'
       ELSE reduce(s = '', x IN k.anonymous_actions | s + CASE s WHEN '' THEN '' ELSE ',' END + x) END AS reason
ORDER BY asset_id
