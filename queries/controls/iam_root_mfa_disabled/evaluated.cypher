MATCH (a:AWSAccount)
WHERE coalesce(a.foreign, false) = false
  AND (a.account_access_keys_present IS NOT NULL OR a.root_access_keys_present IS NOT NULL)
RETURN count(DISTINCT a) AS evaluated
