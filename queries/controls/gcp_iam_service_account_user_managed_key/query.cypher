// Service accounts with a usable user-managed key: keyType USER_MANAGED, not disabled, not expired at $now.
// Google-managed (SYSTEM_MANAGED) keys never leave Google and rotate by themselves.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(sa:GCPServiceAccount)-[:HAS_KEY]->(k:GCPServiceAccountKey)
WHERE k.key_type = 'USER_MANAGED' AND coalesce(k.disabled, false) = false
  AND (k.valid_before_time IS NULL OR datetime(k.valid_before_time).epochSeconds > $now)
WITH DISTINCT sa, k ORDER BY k.id
WITH sa, collect(last(split(k.id, '/')) + ' (created ' + coalesce(k.valid_after_time, 'at an unknown time') + ')')
     AS keys
CALL (sa) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(sa)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN sa.id AS asset_id, coalesce(sa.email, sa.id) AS asset_name, 'GCPServiceAccount' AS label, scope,
       CASE WHEN size(keys) > 1 THEN toString(size(keys)) + ' user-managed keys: ' ELSE 'user-managed key ' END
       + reduce(s = '', k IN keys | s + CASE s WHEN '' THEN '' ELSE ', ' END + k)
       + CASE WHEN sa.disabled = true THEN ' (account disabled)' ELSE '' END AS reason
ORDER BY asset_id
