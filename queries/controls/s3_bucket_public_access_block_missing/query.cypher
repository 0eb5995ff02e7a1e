MATCH (a:AWSAccount)-[:RESOURCE]->(b:AWSS3Bucket)

OPTIONAL MATCH (a)-[:RESOURCE]->(apab:AWSS3AccountPublicAccessBlock)

WITH a, b, apab, [k IN ['block_public_acls', 'ignore_public_acls', 'block_public_policy',
                        'restrict_public_buckets'] WHERE NOT (coalesce(b[k], false) OR coalesce(apab[k], false))]
     AS off
WHERE size(off) > 0
RETURN b.id AS asset_id, b.name AS asset_name, 'S3Bucket' AS label, a.id AS scope,
       CASE WHEN b.block_public_acls IS NULL AND b.block_public_policy IS NULL
            THEN 'no public access block configured'
            ELSE 'public access block off: ' + reduce(s = '', k IN off | s + CASE s WHEN '' THEN '' ELSE ', ' END + k)
       END AS reason
ORDER BY asset_id
