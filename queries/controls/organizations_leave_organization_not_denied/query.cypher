MATCH (o:AWSOrganization)
MATCH (a:AWSAccount {org_id: o.id}) WHERE a.id <> o.management_account_id AND a.org_path IS NOT NULL
OPTIONAL MATCH (p:AWSServiceControlPolicy)-[:APPLIES_TO]->(t)
WHERE t.id IN a.org_path OR t.id = a.id
WITH o, a, collect(DISTINCT p) AS scps

WHERE none(p IN scps WHERE any(x IN coalesce(p.deny_actions, [])
                              WHERE x IN ['organizations:leaveorganization', 'organizations:*', '*']))
RETURN a.id AS asset_id, coalesce(a.org_account_name, a.name, a.id) AS asset_name, 'AWSAccount' AS label,
       o.id AS scope,
       'no SCP on the path of account ' + a.id + ' denies organizations:LeaveOrganization ('
       + toString(size(scps)) + ' SCP(s) attached)' AS reason
ORDER BY asset_id
