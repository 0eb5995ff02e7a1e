MATCH (a:AWSAccount)-[:RESOURCE]->(u:AWSUser)-[:POLICY]->(p:AWSPolicy)
WITH a, u, p.name AS policy ORDER BY policy
WITH a, u, collect(DISTINCT policy) AS policies
RETURN u.arn AS asset_id, u.name AS asset_name, 'AWSUser' AS label, a.id AS scope,
       'policies attached to the user: ' + reduce(s = '', x IN policies | s + CASE s WHEN '' THEN '' ELSE ', ' END + x)
       AS reason
ORDER BY asset_id
