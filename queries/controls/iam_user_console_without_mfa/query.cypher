MATCH (a:AWSAccount)-[:RESOURCE]->(u:AWSUser)
WHERE NOT (u)-[:MFA_DEVICE]->(:AWSMfaDevice)
  AND coalesce(toString(u.passwordlastused), 'unknown') <> ''
RETURN u.arn AS asset_id, u.name AS asset_name, 'AWSUser' AS label, a.id AS scope,
       'no MFA device' + CASE WHEN u.passwordlastused IS NULL
         THEN ' (console password status not collected)'
         ELSE '; console password last used ' + toString(u.passwordlastused) END AS reason
ORDER BY asset_id
