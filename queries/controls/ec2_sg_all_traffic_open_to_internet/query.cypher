MATCH (a:AWSAccount)-[:RESOURCE]->(sg:AWSEC2SecurityGroup)
      <-[:MEMBER_OF_EC2_SECURITY_GROUP]-(rule:AWSIpPermissionInbound)<-[:MEMBER_OF_IP_RULE]-(src:AWSIpRange)
WHERE src.range IN ['0.0.0.0/0', '::/0']
  AND (toLower(toString(rule.protocol)) IN ['-1', 'all']
       OR (coalesce(rule.fromport, 0) <= 0 AND coalesce(rule.toport, 65535) >= 65535))
WITH a, sg, collect(DISTINCT src.range) AS sources
RETURN sg.id AS asset_id, sg.name AS asset_name, 'EC2SecurityGroup' AS label, a.id AS scope,
       'all traffic open to ' + reduce(s = '', r IN sources | s + CASE s WHEN '' THEN '' ELSE ', ' END + r)
       + ' via ' + sg.id AS reason
ORDER BY asset_id
