MATCH (a:AWSAccount)-[:RESOURCE]->(sg:AWSEC2SecurityGroup)
      <-[:MEMBER_OF_EC2_SECURITY_GROUP]-(rule:AWSIpPermissionInbound)<-[:MEMBER_OF_IP_RULE]-(src:AWSIpRange)
WHERE src.range IN ['0.0.0.0/0', '::/0']
WITH a, sg, rule, src, toLower(toString(rule.protocol)) IN ['-1', 'all'] AS all_traffic,
     coalesce(rule.fromport, 0) AS lo, coalesce(rule.toport, 65535) AS hi
// A rule is approved only when it is a tcp/udp range made entirely of approved ports.
WHERE all_traffic OR lo < 0
   OR (hi - lo + 1) > size([p IN $approved_public_ports WHERE lo <= p AND p <= hi])
WITH a, sg, CASE WHEN all_traffic THEN 'all traffic' ELSE toString(rule.protocol) + ' ' + toString(lo)
     + CASE WHEN hi = lo THEN '' ELSE '-' + toString(hi) END END + ' from ' + src.range AS detail
ORDER BY detail
WITH a, sg, collect(DISTINCT detail) AS details
RETURN sg.id AS asset_id, sg.name AS asset_name, 'EC2SecurityGroup' AS label, a.id AS scope,
       'non-approved port open to the internet via ' + sg.id + ': '
       + reduce(s = '', d IN details | s + CASE s WHEN '' THEN '' ELSE '; ' END + d) AS reason
ORDER BY asset_id
