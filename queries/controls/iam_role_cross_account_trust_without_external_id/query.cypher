MATCH (a:AWSAccount)-[:RESOURCE]->(r:AWSRole)-[:TRUSTS_AWS_PRINCIPAL]->(p:AWSPrincipal)
WHERE p.arn STARTS WITH 'arn:' AND NOT p:AWSServicePrincipal AND NOT p:AWSFederatedPrincipal
  AND split(p.arn, ':')[4] <> split(r.arn, ':')[4]
  AND NOT split(p.arn, ':')[4] IN $trusted_accounts
  AND NOT coalesce(r.trust_policy, '') CONTAINS 'sts:ExternalId'
WITH a, r, collect(DISTINCT p.arn) AS principals
RETURN r.arn AS asset_id, r.name AS asset_name, 'AWSRole' AS label, a.id AS scope,
       'trusts ' + reduce(s = '', x IN principals | s + CASE s WHEN '' THEN '' ELSE ', ' END + x)
       + CASE WHEN r.trust_policy IS NULL THEN ' (trust policy conditions not collected)'
         ELSE ' without an sts:ExternalId condition' END AS reason
ORDER BY asset_id
