MATCH (a:AWSAccount)-[:RESOURCE]->(b:AWSS3Bucket)
WHERE coalesce(b.default_encryption, false) = false
RETURN b.id AS asset_id, b.name AS asset_name, 'S3Bucket' AS label, a.id AS scope,
       'no default server-side encryption on bucket ' + b.name AS reason
ORDER BY asset_id
