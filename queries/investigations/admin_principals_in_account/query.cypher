MATCH (a:AWSAccount {id: $account})-[:RESOURCE]->(p:AWSPrincipal)
WHERE p.admin_equivalent = true AND (p:AWSUser OR p:AWSGroup OR p:AWSRole)
OPTIONAL MATCH (p)-[:POLICY]->(pol:AWSPolicy)
WITH a, p, collect(DISTINCT pol.name) AS policies
OPTIONAL MATCH (p)-[:MEMBER_AWS_GROUP]->(g:AWSGroup)
RETURN a.id AS account, p.arn AS principal, p.name AS name,
       head([l IN ['AWSUser', 'AWSGroup', 'AWSRole'] WHERE l IN labels(p)]) AS kind,
       policies, collect(DISTINCT g.name) AS groups
ORDER BY kind, name
