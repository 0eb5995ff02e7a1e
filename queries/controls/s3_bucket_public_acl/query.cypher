MATCH (a:AWSAccount)-[:RESOURCE]->(b:AWSS3Bucket)
OPTIONAL MATCH (acl:AWSS3Acl)-[:APPLIES_TO]->(b)
WHERE acl.uri IN ['http://acs.amazonaws.com/groups/global/AllUsers',
                  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers']
WITH a, b, collect(DISTINCT split(acl.uri, '/')[-1] + ' ' + acl.permission) AS grants
WITH a, b, grants + CASE WHEN b.acl_grants_all_users = true AND size(grants) = 0 THEN ['AllUsers'] ELSE [] END
     + CASE WHEN b.acl_grants_authenticated_users = true AND size(grants) = 0 THEN ['AuthenticatedUsers']
       ELSE [] END AS grants
WHERE size(grants) > 0

OPTIONAL MATCH (a)-[:RESOURCE]->(apab:AWSS3AccountPublicAccessBlock)

WITH a, b, grants, apab
WHERE NOT (coalesce(b.ignore_public_acls, false) OR coalesce(apab.ignore_public_acls, false))
RETURN b.id AS asset_id, b.name AS asset_name, 'S3Bucket' AS label, a.id AS scope,
       'bucket ACL grants ' + reduce(s = '', g IN grants | s + CASE s WHEN '' THEN '' ELSE ', ' END + g)
       + '; IgnorePublicAcls is not enabled' AS reason
ORDER BY asset_id
