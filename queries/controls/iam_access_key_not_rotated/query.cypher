MATCH (a:AWSAccount)-[:RESOURCE]->(u:AWSUser)-[:AWS_ACCESS_KEY]->(k:AWSAccountAccessKey)
WHERE k.status = 'Active'
WITH a, u, k, head([x IN [k.createdate_dt, k.createdate] WHERE x IS NOT NULL AND NOT toString(x) IN ['', 'None', 'N/A'] | datetime(replace(toString(x), ' ', 'T')).epochSeconds]) AS created
WHERE created IS NOT NULL AND $now - created > $max_age_days * 86400
WITH a, u, k.accesskeyid + ' (' + toString(($now - created) / 86400) + ' days old)' AS detail ORDER BY detail
WITH a, u, collect(detail) AS details
RETURN u.arn AS asset_id, u.name AS asset_name, 'AWSUser' AS label, a.id AS scope,
       'active access key older than ' + toString($max_age_days) + ' days: '
       + reduce(s = '', d IN details | s + CASE s WHEN '' THEN '' ELSE ', ' END + d) AS reason
ORDER BY asset_id
