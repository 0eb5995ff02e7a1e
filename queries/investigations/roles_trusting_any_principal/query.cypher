MATCH (a:AWSAccount)-[:RESOURCE]->(r:AWSRole)
OPTIONAL MATCH (r)-[:TRUSTS_AWS_PRINCIPAL]->(star:AWSPrincipal)
WHERE star.arn = '*' OR star.id = '*'
WITH a, r, count(star) AS star_edges
WHERE (star_edges > 0
       OR coalesce(r.trust_policy, '') =~ '(?s).*"Principal"\\s*:\\s*(\\{\\s*"AWS"\\s*:\\s*(\\[[^\\]]*)?)?"\\*".*')
  AND NOT coalesce(r.trust_policy, '') =~ '(?s).*aws:(PrincipalOrgID|PrincipalAccount|PrincipalOrgPaths).*'
RETURN a.id AS account, r.arn AS role, r.name AS name, coalesce(r.admin_equivalent, false) AS admin_equivalent,
       coalesce(r.escalation_paths, []) AS escalation_paths
ORDER BY account, name
