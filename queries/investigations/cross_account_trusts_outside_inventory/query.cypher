MATCH (a:AWSAccount)-[:RESOURCE]->(r:AWSRole)-[:TRUSTS_AWS_PRINCIPAL]->(p:AWSPrincipal)
WHERE p.arn STARTS WITH 'arn:' AND NOT p:AWSServicePrincipal AND NOT p:AWSFederatedPrincipal
WITH a, r, p, split(p.arn, ':')[4] AS other
WHERE other <> a.id
  AND NOT EXISTS {
    MATCH (known:AWSAccount {id: other})
    WHERE coalesce(known.inscope, true) AND NOT coalesce(known.foreign, false)
  }
RETURN a.id AS account, r.arn AS role, r.name AS name, other AS trusted_account, p.arn AS trusted_principal,
       coalesce(r.trust_policy, '') CONTAINS 'sts:ExternalId' AS external_id_required
ORDER BY account, name
