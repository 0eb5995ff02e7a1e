MATCH (sg:EC2SecurityGroup)<-[:MEMBER_OF_EC2_SECURITY_GROUP]-(rule:IpPermissionInbound)<-[:MEMBER_OF_IP_RULE]-(range:IpRange)
WHERE range.range IN ['0.0.0.0/0', '::/0']
  AND (rule.protocol = '-1' OR (rule.protocol IN ['tcp', 'udp', '6', '17']
       AND coalesce(rule.fromport, 0) <= $port AND $port <= coalesce(rule.toport, 65535)))
WITH DISTINCT sg, rule, range
OPTIONAL MATCH (m)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(sg)
WHERE m:EC2Instance OR m:LoadBalancerV2 OR m:RDSInstance
RETURN sg.id AS group_id, sg.name AS group_name, rule.protocol AS protocol, rule.fromport AS from_port,
       rule.toport AS to_port, range.range AS source, collect(DISTINCT coalesce(m.name, m.db_instance_identifier, m.id)) AS members
ORDER BY group_name, protocol, from_port, source
