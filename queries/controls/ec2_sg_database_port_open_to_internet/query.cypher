// One row per security group with an inbound rule from the whole internet (IPv4 or IPv6) that covers
// one of $database_ports. Protocol -1 means every protocol and port; a tcp/udp rule covers [fromport, toport].
MATCH (a:AWSAccount)-[:RESOURCE]->(sg:AWSEC2SecurityGroup)
      <-[:MEMBER_OF_EC2_SECURITY_GROUP]-(rule:AWSIpPermissionInbound)<-[:MEMBER_OF_IP_RULE]-(src:AWSIpRange)
WHERE src.range IN ['0.0.0.0/0', '::/0']
WITH a, sg, rule, src,
     [p IN $database_ports WHERE toLower(toString(rule.protocol)) IN ['-1', 'all']
        OR (toLower(toString(rule.protocol)) IN ['tcp', 'udp', '6', '17']
            AND coalesce(rule.fromport, 0) <= p AND p <= coalesce(rule.toport, 65535))] AS ports
WHERE size(ports) > 0
WITH a, sg, 'port ' + reduce(s = '', p IN ports | s + CASE s WHEN '' THEN '' ELSE ',' END + toString(p))
     + ' open to ' + src.range + ' via ' + sg.id + ' (' + CASE WHEN toString(rule.protocol) IN ['-1', 'all']
     THEN 'all traffic' ELSE toString(rule.protocol) + ' ' + toString(rule.fromport) + '-'
     + toString(rule.toport) END + ')' AS detail
ORDER BY detail
WITH a, sg, collect(DISTINCT detail) AS details
RETURN sg.id AS asset_id, sg.name AS asset_name, 'EC2SecurityGroup' AS label, a.id AS scope,
       'database port open to the internet: ' + reduce(s = '', d IN details | s + CASE s WHEN '' THEN '' ELSE '; ' END + d) AS reason
ORDER BY asset_id
