MATCH (r:AWSRole)
WHERE r.id = $role OR r.arn = $role OR r.name = $role
CALL (r) {
  MATCH (p:PrincipalPermissions {latest: true})
  WHERE r.arn IN p.assumable_roles AND NOT coalesce(p.removed, false)
  RETURN p.principal_id AS principal, p.kind AS kind, 'evaluated: trust policy and its own policies allow sts:AssumeRole'
         AS via
  UNION
  MATCH (r)-[:TRUSTS_AWS_PRINCIPAL]->(t)
  RETURN coalesce(t.arn, t.id) AS principal,
         head([l IN ['AWSRootPrincipal', 'AWSServicePrincipal', 'AWSFederatedPrincipal', 'AWSRole', 'AWSUser']
               WHERE l IN labels(t)] + ['AWSPrincipal']) AS kind,
         'named in the trust policy' AS via
  UNION
  MATCH (sa:KubernetesServiceAccount)-[:ASSUMES_ROLE]->(r)
  RETURN sa.id AS principal, 'KubernetesServiceAccount' AS kind, 'IRSA annotation' AS via
  UNION
  MATCH (i:EC2Instance)-[:INSTANCE_PROFILE]->(:AWSInstanceProfile)-[:ASSOCIATED_WITH]->(r)
  RETURN i.id AS principal, 'EC2Instance' AS kind, 'runs as it (instance profile)' AS via
  UNION
  MATCH (f:AWSLambda)-[:ASSUMES]->(r)
  RETURN f.id AS principal, 'AWSLambda' AS kind, 'runs as it (execution role)' AS via
}
RETURN r.arn AS role, principal, kind, via
ORDER BY via, principal
