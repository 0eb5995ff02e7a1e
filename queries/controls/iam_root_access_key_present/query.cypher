MATCH (a:AWSAccount)
WHERE coalesce(a.foreign, false) = false
  AND (a.root_access_keys_present = true OR a.account_access_keys_present > 0)
RETURN a.id AS asset_id, coalesce(a.name, a.id) AS asset_name, 'AWSAccount' AS label, a.id AS scope,
       'root user has access keys (AccountAccessKeysPresent ' + toString(coalesce(a.account_access_keys_present, 1))
       + ')' AS reason
ORDER BY asset_id
