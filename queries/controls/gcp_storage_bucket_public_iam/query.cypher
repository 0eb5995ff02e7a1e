// Buckets with an IAM binding whose members include allUsers or allAuthenticatedUsers (GCPPolicyBinding
// is_public / public_members; Cartography keeps the raw members). Public access prevention 'enforced' on the
// bucket neutralises such grants; 'inherited' helps only when an organization policy enforces it, which the
// inventory does not show, so it does not clear the bucket.
MATCH (b:GCPPolicyBinding)-[:APPLIES_TO]->(bucket:GCPBucket)
WITH b, bucket, [m IN coalesce(b.public_members, []) + coalesce(b.members, [])
                 WHERE m IN ['allUsers', 'allAuthenticatedUsers']] AS public
WHERE (b.is_public = true OR size(public) > 0)
  AND coalesce(toLower(bucket.iam_config_public_access_prevention), '') <> 'enforced'
WITH bucket, b.role + ' to ' + CASE WHEN size(public) = 0 THEN 'public members'
     ELSE reduce(s = '', m IN public | s + CASE s WHEN '' THEN '' ELSE ',' END + m) END
     + CASE WHEN b.has_condition = true THEN ' (conditional: ' + coalesce(b.condition_title, 'untitled') + ')'
       ELSE '' END AS grant
ORDER BY grant
WITH bucket, collect(DISTINCT grant) AS grants
CALL (bucket) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(bucket)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN bucket.id AS asset_id, coalesce(bucket.name, bucket.id) AS asset_name, 'GCPBucket' AS label, scope,
       'public through IAM: ' + reduce(s = '', g IN grants | s + CASE s WHEN '' THEN '' ELSE '; ' END + g)
       + '; public access prevention ' + coalesce(bucket.iam_config_public_access_prevention, 'not set')
       + ' (not enforced)' AS reason
ORDER BY asset_id
