MATCH (a:AWSAccount)-[:RESOURCE]->(u:AWSUser)-[:AWS_ACCESS_KEY]->(k:AccountAccessKey)
WHERE k.status = 'Active' AND k.usage_evidence IS NOT NULL
WITH a, u, k,
     CASE WHEN k.usage_last_used IS NULL THEN null ELSE datetime(toString(k.usage_last_used)).epochSeconds END AS last,
     CASE WHEN k.createdate_dt IS NULL THEN null ELSE datetime(toString(k.createdate_dt)).epochSeconds END AS created
WHERE (last IS NOT NULL AND $now - last > $unused_days * 86400)
   OR (last IS NULL AND (created IS NULL OR $now - created > $unused_days * 86400))
RETURN k.id AS asset_id, k.accesskeyid AS asset_name, 'AccountAccessKey' AS label, a.id AS scope,
       'key of ' + u.name + CASE WHEN last IS NULL THEN ' never used'
       ELSE ' last used ' + toString(($now - last) / 86400) + ' days ago' END
       + ' (evidence: ' + k.usage_evidence + ')' AS reason
ORDER BY asset_id
