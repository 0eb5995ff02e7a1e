// Usable user-managed keys (not disabled, not expired at $now) created more than $max_age_days before $now,
// the moment the snapshot describes. One finding per service account.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(sa:GCPServiceAccount)-[:HAS_KEY]->(k:GCPServiceAccountKey)
WHERE k.key_type = 'USER_MANAGED' AND coalesce(k.disabled, false) = false AND k.valid_after_time IS NOT NULL
  AND (k.valid_before_time IS NULL OR datetime(k.valid_before_time).epochSeconds > $now)
WITH DISTINCT sa, k, datetime(k.valid_after_time).epochSeconds AS created
WHERE $now - created > $max_age_days * 86400
WITH sa, last(split(k.id, '/')) + ' (' + toString(($now - created) / 86400) + ' days old)' AS detail
ORDER BY detail
WITH sa, collect(detail) AS details
CALL (sa) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(sa)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN sa.id AS asset_id, coalesce(sa.email, sa.id) AS asset_name, 'GCPServiceAccount' AS label, scope,
       'user-managed key older than ' + toString($max_age_days) + ' days: '
       + reduce(s = '', d IN details | s + CASE s WHEN '' THEN '' ELSE ', ' END + d) AS reason
ORDER BY asset_id
