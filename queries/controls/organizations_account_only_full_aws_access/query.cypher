MATCH (o:AWSOrganization)
MATCH (a:AWSAccount {org_id: o.id}) WHERE a.id <> o.management_account_id AND a.org_path IS NOT NULL
OPTIONAL MATCH (p:AWSServiceControlPolicy)-[:APPLIES_TO]->(t)
WHERE t.id IN a.org_path OR t.id = a.id
WITH o, a, collect(DISTINCT p) AS scps

WHERE all(p IN scps WHERE coalesce(p.aws_managed, false) AND p.name = 'FullAWSAccess')
RETURN a.id AS asset_id, coalesce(a.org_account_name, a.name, a.id) AS asset_name, 'AWSAccount' AS label,
       o.id AS scope,
       'account ' + a.id + ' is governed only by ' + CASE size(scps) WHEN 0 THEN 'no SCP at all'
       ELSE 'FullAWSAccess' END AS reason
ORDER BY asset_id
