MATCH (a:AWSAccount {id: $account})-[:RESOURCE]->(u:AWSUser)
WHERE NOT (u)-[:MFA_DEVICE]->(:AWSMfaDevice)
  AND coalesce(toString(u.passwordlastused), 'unknown') <> ''
RETURN a.id AS account, u.name AS user, u.arn AS arn,
       CASE WHEN u.passwordlastused IS NULL THEN 'console password status not collected'
            ELSE 'password last used ' + toString(u.passwordlastused) END AS console
ORDER BY user
