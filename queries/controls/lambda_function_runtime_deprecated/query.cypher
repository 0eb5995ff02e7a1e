MATCH (a:AWSAccount)-[:RESOURCE]->(f:AWSLambda)
WHERE f.runtime IN $deprecated_runtimes
RETURN f.arn AS asset_id, f.name AS asset_name, 'AWSLambda' AS label, a.id AS scope,
       'runtime ' + f.runtime + ' is deprecated' AS reason
ORDER BY asset_id
