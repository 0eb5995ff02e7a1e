MATCH (a:AWSAccount {id: $account})-[:RESOURCE]->(f:AWSLambda)
OPTIONAL MATCH (f)-[:ASSUMES]->(r:AWSRole)
RETURN a.id AS account, f.name AS function, f.runtime AS runtime, f.function_url_auth_type AS url_auth,
       r.arn AS role, coalesce(r.admin_equivalent, false) AS role_admin
ORDER BY function
