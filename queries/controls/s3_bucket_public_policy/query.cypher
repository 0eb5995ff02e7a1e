MATCH (a:AWSAccount)-[:RESOURCE]->(b:AWSS3Bucket)
// Cartography keeps the policy as AWSS3PolicyStatement nodes and folds public ACLs into
// anonymous_access; our loader keeps the policy JSON and computes anonymous_access from it alone.
OPTIONAL MATCH (b)-[:POLICY_STATEMENT]->(st:AWSS3PolicyStatement)
WHERE st.effect = 'Allow' AND st.condition IS NULL
  AND (st.principal IN ['*', '"*"'] OR st.principal =~ '(?s).*"AWS"\s*:\s*(\[[^\]]*)?"\*".*')
// Cartography stores a statement's action as a list (or a string when the policy had one): `+` appends
// either to the accumulator, so both flatten into one list of action names.
WITH a, b, reduce(acc = [], x IN collect(st.action) | acc + x) AS statement_actions
WHERE (b.anonymous_access = true AND b.policy IS NOT NULL) OR size(statement_actions) > 0

OPTIONAL MATCH (a)-[:RESOURCE]->(apab:AWSS3AccountPublicAccessBlock)

WITH a, b, apab, CASE WHEN b.policy IS NOT NULL THEN coalesce(b.anonymous_actions, []) ELSE statement_actions
     END AS actions
WHERE NOT (coalesce(b.restrict_public_buckets, false) OR coalesce(b.block_public_policy, false)
           OR coalesce(apab.restrict_public_buckets, false) OR coalesce(apab.block_public_policy, false))
RETURN b.id AS asset_id, b.name AS asset_name, 'S3Bucket' AS label, a.id AS scope,
       'bucket policy allows anonymous ' + CASE WHEN size(actions) = 0 THEN 'access'
       ELSE reduce(s = '', x IN actions | s + CASE s WHEN '' THEN '' ELSE ',' END + x) END
       + CASE WHEN b.block_public_policy IS NULL THEN '; no public access block collected'
         ELSE '; public access block does not restrict it' END AS reason
ORDER BY asset_id
