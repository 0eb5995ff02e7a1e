MATCH (latest:IngestRun)
WHERE latest.status IN ['ok', 'partial'] AND latest.collected_at IS NOT NULL
WITH max(latest.collected_at) AS newest
MATCH (a:AWSAccount)-[:RESOURCE]->(u:AWSUser)-[:AWS_ACCESS_KEY]->(k:AccountAccessKey)
WHERE k.status = 'Active'
WITH newest, a, u, k,
     head([x IN [k.lastuseddate_dt, k.lastuseddate] WHERE x IS NOT NULL AND NOT toString(x) IN ['', 'None', 'N/A']
           | datetime(replace(toString(x), ' ', 'T'))]) AS last_used
WHERE last_used IS NULL OR last_used < newest - duration({days: $days})
RETURN a.id AS account, u.name AS user, k.id AS key_id, toString(k.createdate) AS created,
       toString(last_used) AS last_used,
       CASE WHEN last_used IS NULL THEN 'never used (IAM reports no last use)'
            ELSE 'last used ' + toString(duration.inDays(last_used, newest).days) + ' days before the latest collection'
       END AS finding
ORDER BY account, user
