MATCH (o)-[:RESOURCE]->(k:GCPServiceAccountKey)
WHERE (o:GCPOrganization OR o:GCPProject) AND k.usage_evidence IS NOT NULL AND NOT coalesce(k.disabled, false)
  AND coalesce(k.key_type, 'USER_MANAGED') <> 'SYSTEM_MANAGED'
WITH k, head(collect(o.id)) AS scope,
     CASE WHEN k.usage_last_used IS NULL THEN null ELSE datetime(toString(k.usage_last_used)).epochSeconds END AS last,
     CASE WHEN k.valid_after_time IS NULL THEN null ELSE datetime(toString(k.valid_after_time)).epochSeconds END
       AS created
WHERE (last IS NOT NULL AND $now - last > $unused_days * 86400)
   OR (last IS NULL AND (created IS NULL OR $now - created > $unused_days * 86400))
RETURN k.id AS asset_id, k.service_account_email AS asset_name, 'GCPServiceAccountKey' AS label, scope,
       CASE WHEN last IS NULL THEN 'no authentication' ELSE 'last authenticated '
       + toString(($now - last) / 86400) + ' days ago' END + ' (evidence: ' + k.usage_evidence + ')' AS reason
ORDER BY asset_id
