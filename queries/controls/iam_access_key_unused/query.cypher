MATCH (a:AWSAccount)-[:RESOURCE]->(u:AWSUser)-[:AWS_ACCESS_KEY]->(k:AWSAccountAccessKey)
WHERE k.status = 'Active'
WITH a, u, k, head([x IN [k.lastuseddate_dt, k.lastuseddate] WHERE x IS NOT NULL AND NOT toString(x) IN ['', 'None', 'N/A'] | datetime(replace(toString(x), ' ', 'T')).epochSeconds]) AS last_used
WHERE last_used IS NULL OR $now - last_used > $unused_days * 86400
WITH a, u, k.accesskeyid + CASE WHEN last_used IS NULL THEN ' never used'
     ELSE ' last used ' + toString(($now - last_used) / 86400) + ' days ago' END AS detail ORDER BY detail
WITH a, u, collect(detail) AS details
RETURN u.arn AS asset_id, u.name AS asset_name, 'AWSUser' AS label, a.id AS scope,
       'unused active access key: ' + reduce(s = '', d IN details | s + CASE s WHEN '' THEN '' ELSE ', ' END + d)
       AS reason
ORDER BY asset_id
