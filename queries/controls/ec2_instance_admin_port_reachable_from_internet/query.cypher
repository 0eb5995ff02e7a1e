MATCH (a:AWSAccount)-[:RESOURCE]->(i:AWSEC2Instance)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(sg:AWSEC2SecurityGroup)
      <-[:MEMBER_OF_EC2_SECURITY_GROUP]-(rule:AWSIpPermissionInbound)<-[:MEMBER_OF_IP_RULE]-(src:AWSIpRange)
WHERE i.publicipaddress IS NOT NULL AND coalesce(i.state, 'running') = 'running'
  AND src.range = '0.0.0.0/0'
UNWIND [p IN $admin_ports WHERE toLower(toString(rule.protocol)) IN ['-1', 'all']
        OR (toLower(toString(rule.protocol)) IN ['tcp', '6']
            AND coalesce(rule.fromport, 0) <= p AND p <= coalesce(rule.toport, 65535))] AS port
MATCH (i)-[:PART_OF_SUBNET]->(subnet:AWSEC2Subnet)
// The subnet's explicit route table, else the VPC's main table, must send 0.0.0.0/0 to an IGW.
OPTIONAL MATCH (subnet)<-[:ASSOCIATED_SUBNET]-(:AWSEC2RouteTableAssociation)<-[:ASSOCIATION]-(explicit:AWSEC2RouteTable)
OPTIONAL MATCH (main:AWSEC2RouteTable {main: true, vpc_id: subnet.vpc_id})
WITH a, i, sg, port, subnet, coalesce(explicit, main) AS rt
MATCH (rt)-[:ROUTE]->(route:AWSEC2Route)-[:ROUTES_TO_GATEWAY]->(igw:AWSInternetGateway)
WHERE route.destination_cidr_block = '0.0.0.0/0'
// The first (lowest-numbered) inbound NACL entry matching the port from 0.0.0.0/0 decides.
OPTIONAL MATCH (subnet)<-[:PART_OF_SUBNET]-(acl:AWSEC2NetworkAcl)<-[:MEMBER_OF_NACL]-(entry:AWSEC2NetworkAclRule)
WHERE entry.egress = false AND entry.cidrblock = '0.0.0.0/0'
  AND (toString(entry.protocol) IN ['-1', 'all']
       OR (toLower(toString(entry.protocol)) IN ['6', 'tcp']
           AND coalesce(entry.fromport, 0) <= port AND port <= coalesce(entry.toport, 65535)))
WITH a, i, sg, port, subnet, igw, acl, entry ORDER BY entry.rulenumber
WITH a, i, sg, port, subnet, igw, acl, head(collect(entry)) AS first
WHERE acl IS NULL OR first.ruleaction = 'allow'
WITH a, i, port, collect(DISTINCT sg.id) AS groups, head(collect(subnet.id)) AS subnet_id,
     head(collect(igw.id)) AS igw_id
ORDER BY port
WITH a, i, collect(toString(port)) AS ports, head(collect(groups)) AS groups,
     head(collect(subnet_id)) AS subnet_id, head(collect(igw_id)) AS igw_id
RETURN i.id AS asset_id, coalesce(i.name, i.id) AS asset_name, 'EC2Instance' AS label, a.id AS scope,
       'port ' + reduce(s = '', p IN ports | s + CASE s WHEN '' THEN '' ELSE ',' END + p)
       + ' reachable from 0.0.0.0/0 at ' + i.publicipaddress + ' via '
       + reduce(s = '', g IN groups | s + CASE s WHEN '' THEN '' ELSE ',' END + g)
       + ', ' + subnet_id + ' routes to ' + igw_id + ', NACL allows' AS reason
ORDER BY asset_id
