MATCH (a:AWSAccount)-[:RESOURCE]->(u:AWSUser)
WHERE u.credential_report_at IS NOT NULL AND u.password_enabled = true
WITH a, u,
     CASE WHEN u.password_last_used IS NULL THEN null ELSE datetime(toString(u.password_last_used)).epochSeconds END AS last,
     head([x IN [u.password_last_changed, u.createdate_dt] WHERE x IS NOT NULL | datetime(toString(x)).epochSeconds])
       AS since
WHERE (last IS NOT NULL AND $now - last > $unused_days * 86400)
   OR (last IS NULL AND (since IS NULL OR $now - since > $unused_days * 86400))
RETURN u.id AS asset_id, u.name AS asset_name, 'AWSUser' AS label, a.id AS scope,
       'console password ' + CASE WHEN last IS NULL THEN 'never used' ELSE 'last used '
       + toString(($now - last) / 86400) + ' days ago' END + ' (evidence: credential report)' AS reason
ORDER BY asset_id
