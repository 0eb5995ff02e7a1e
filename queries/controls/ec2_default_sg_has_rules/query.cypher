MATCH (a:AWSAccount)-[:RESOURCE]->(sg:AWSEC2SecurityGroup {name: 'default'})
MATCH (rule:AWSIpRule)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(sg)
WITH a, sg, count(DISTINCT rule) AS rules,
     sum(CASE WHEN rule:AWSIpPermissionInbound THEN 1 ELSE 0 END) AS inbound
RETURN sg.id AS asset_id, sg.name AS asset_name, 'EC2SecurityGroup' AS label, a.id AS scope,
       'default security group ' + sg.id + ' has ' + toString(inbound) + ' inbound and '
       + toString(rules - inbound) + ' outbound rule(s)' AS reason
ORDER BY asset_id
