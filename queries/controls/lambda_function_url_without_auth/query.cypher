MATCH (a:AWSAccount)-[:RESOURCE]->(f:AWSLambda)
WHERE f.function_url_auth_type = 'NONE'
RETURN f.arn AS asset_id, f.name AS asset_name, 'AWSLambda' AS label, a.id AS scope,
       'function URL ' + coalesce(f.function_url, '') + ' has AuthType NONE' AS reason
ORDER BY asset_id
