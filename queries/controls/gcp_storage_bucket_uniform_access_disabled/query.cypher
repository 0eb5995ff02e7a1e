// uniform_bucket_level_access is ours; iam_config_bucket_policy_only is Cartography's name for the same flag.
// A bucket whose flag was not collected at all is not reported (nothing says ACLs are in use).
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(bucket:GCPBucket)
WITH DISTINCT bucket, coalesce(bucket.uniform_bucket_level_access, bucket.iam_config_bucket_policy_only) AS ubla
WHERE ubla = false
CALL (bucket) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(bucket)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN bucket.id AS asset_id, coalesce(bucket.name, bucket.id) AS asset_name, 'GCPBucket' AS label, scope,
       'uniform bucket-level access disabled: object ACLs apply next to IAM' AS reason
ORDER BY asset_id
