MATCH (sg:EC2SecurityGroup)
WHERE sg.id = $group OR sg.name = $group
OPTIONAL MATCH (rule:IpPermissionInbound)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(sg)
OPTIONAL MATCH (range:IpRange)-[:MEMBER_OF_IP_RULE]->(rule)
WITH sg, collect(DISTINCT rule.protocol + ' ' + coalesce(toString(rule.fromport), '*') + '-'
     + coalesce(toString(rule.toport), '*') + ' from ' + range.range) AS inbound
MATCH (m)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(sg)
WHERE m:EC2Instance OR m:NetworkInterface OR m:LoadBalancerV2 OR m:RDSInstance
RETURN sg.id AS group_id, sg.name AS group_name, m.id AS member_id, coalesce(m.name, m.db_instance_identifier, m.id) AS member_name,
       head([l IN ['EC2Instance', 'NetworkInterface', 'LoadBalancerV2', 'RDSInstance'] WHERE l IN labels(m)]) AS member_label,
       inbound
ORDER BY member_label, member_name
