MATCH (a:AWSAccount)-[:RESOURCE]->(r:AWSRole)
OPTIONAL MATCH (r)-[:TRUSTS_AWS_PRINCIPAL]->(star:AWSPrincipal)
WHERE star.arn = '*' OR star.id = '*'
WITH a, r, count(star) AS star_edges
WHERE (star_edges > 0
       OR coalesce(r.trust_policy, '') =~ '(?s).*"Principal"\\s*:\\s*(\\{\\s*"AWS"\\s*:\\s*(\\[[^\\]]*)?)?"\\*".*')
  AND NOT coalesce(r.trust_policy, '') =~ '(?s).*aws:(PrincipalOrgID|PrincipalAccount|PrincipalOrgPaths).*'
RETURN r.arn AS asset_id, r.name AS asset_name, 'AWSRole' AS label, a.id AS scope,
       'trust policy allows Principal * to assume ' + r.name + ' without an organisation/account condition'
       AS reason
ORDER BY asset_id
