MATCH (a:AWSAccount)
WHERE coalesce(a.foreign, false) = false
  AND (a.root_mfa_enabled = false OR (a.root_mfa_enabled IS NULL AND a.account_mfa_enabled = 0))
RETURN a.id AS asset_id, coalesce(a.name, a.id) AS asset_name, 'AWSAccount' AS label, a.id AS scope,
       'root user has no MFA (AccountMFAEnabled 0)' AS reason
ORDER BY asset_id
