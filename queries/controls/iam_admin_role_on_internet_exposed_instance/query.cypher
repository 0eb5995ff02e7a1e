MATCH (a:AWSAccount)-[:RESOURCE]->(r:AWSRole)<-[:ASSOCIATED_WITH]-(:AWSInstanceProfile)
      <-[:INSTANCE_PROFILE]-(i:AWSEC2Instance)
WHERE i.publicipaddress IS NOT NULL
MATCH (r)-[:POLICY]->(p:AWSPolicy)-[:STATEMENT]->(st:AWSPolicyStatement)
WHERE st.effect = 'Allow' AND '*' IN coalesce(st.action, []) AND '*' IN coalesce(st.resource, [])
MATCH (i)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(sg:AWSEC2SecurityGroup)
      <-[:MEMBER_OF_EC2_SECURITY_GROUP]-(:AWSIpPermissionInbound)<-[:MEMBER_OF_IP_RULE]-(src:AWSIpRange)
WHERE src.range IN ['0.0.0.0/0', '::/0']
WITH a, r, collect(DISTINCT p.name) AS policies, collect(DISTINCT i.id + ' (' + i.publicipaddress + ', '
     + sg.id + ')') AS instances
RETURN r.arn AS asset_id, r.name AS asset_name, 'AWSRole' AS label, a.id AS scope,
       reduce(s = '', x IN policies | s + CASE s WHEN '' THEN '' ELSE ', ' END + x) + ' on role used by '
       + reduce(s = '', x IN instances | s + CASE s WHEN '' THEN '' ELSE ', ' END + x) AS reason
ORDER BY asset_id
