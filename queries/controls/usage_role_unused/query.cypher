MATCH (a:AWSAccount)-[:RESOURCE]->(r:AWSRole)
WHERE r.usage_status IN ['collected', 'credentials only'] AND NOT coalesce(r.path, '/') STARTS WITH '/aws-service-role/'
WITH a, r,
     CASE WHEN r.usage_last_activity IS NULL THEN null ELSE datetime(toString(r.usage_last_activity)).epochSeconds END
       AS last,
     CASE WHEN r.createdate_dt IS NULL THEN null ELSE datetime(toString(r.createdate_dt)).epochSeconds END AS created
WHERE (last IS NOT NULL AND $now - last > $unused_days * 86400)
   OR (last IS NULL AND (created IS NULL OR $now - created > $unused_days * 86400))
RETURN r.id AS asset_id, r.name AS asset_name, 'AWSRole' AS label, a.id AS scope,
       CASE WHEN last IS NULL THEN 'no activity in the 400 days AWS tracks'
       ELSE 'last activity ' + toString(($now - last) / 86400) + ' days ago' END
       + CASE WHEN r.admin_equivalent THEN ' (admin-equivalent)' ELSE '' END AS reason
ORDER BY asset_id
