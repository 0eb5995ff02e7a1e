MATCH (a:AWSAccount)-[:RESOURCE]->(s:SecretsManagerSecret)
WHERE coalesce(s.rotation_enabled, false) = false
RETURN s.arn AS asset_id, s.name AS asset_name, 'SecretsManagerSecret' AS label, a.id AS scope,
       'automatic rotation is ' + CASE WHEN s.rotation_enabled IS NULL THEN 'not configured' ELSE 'disabled' END
       AS reason
ORDER BY asset_id
