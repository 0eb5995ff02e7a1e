// Running instances with an external IPv4 address that an enabled INGRESS allow rule of their network opens from
// 0.0.0.0/0 on a tcp port of $admin_ports, unless an enabled INGRESS deny rule that also applies to the instance
// denies that port from 0.0.0.0/0 with the same or a higher precedence (priority number <= the allow's: at equal
// priority deny wins). A rule applies to an instance when it has no targets, when the instance carries one of its
// target tags (TAGGED / TARGET_TAG) or runs as one of its target service accounts.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(i:GCPInstance)
WHERE (size(coalesce(i.public_ips, [])) > 0 OR i.public_ip IS NOT NULL) AND coalesce(i.status, 'RUNNING') = 'RUNNING'
WITH DISTINCT i
MATCH (i)-[:NETWORK_INTERFACE]->(:GCPNetworkInterface)-[:PART_OF_SUBNET]->(:GCPSubnet)<-[:HAS]-(vpc:GCPVpc),
      (vpc)-[:RESOURCE]->(fw:GCPFirewall)<-[:ALLOWED_BY]-(rule:GCPIpRule)<-[:MEMBER_OF_IP_RULE]-(src:GCPIpRange)
WHERE src.range = '0.0.0.0/0'
  AND toUpper(coalesce(fw.direction, 'INGRESS')) = 'INGRESS' AND coalesce(fw.disabled, false) = false
  AND ((NOT EXISTS { (fw)-[:TARGET_TAG]->(:GCPNetworkTag) } AND size(coalesce(fw.target_tags, [])) = 0
        AND NOT coalesce(fw.has_target_service_accounts, false))
       OR EXISTS { (i)-[:TAGGED]->(:GCPNetworkTag)<-[:TARGET_TAG]-(fw) }
       OR i.service_account_email IN coalesce(fw.target_service_accounts, []))
WITH DISTINCT i, vpc, fw, rule, toLower(toString(rule.protocol)) AS protocol
UNWIND [p IN $admin_ports WHERE protocol = 'all' OR (protocol IN ['tcp', '6'] AND (rule.fromport IS NULL
        OR (rule.fromport <= p AND p <= coalesce(rule.toport, rule.fromport))))] AS port
WITH DISTINCT i, vpc, fw, port
WHERE NOT EXISTS {
  MATCH (vpc)-[:RESOURCE]->(deny:GCPFirewall)<-[:DENIED_BY]-(drule:GCPIpRule)<-[:MEMBER_OF_IP_RULE]-(dsrc:GCPIpRange)
  WHERE dsrc.range = '0.0.0.0/0'
    AND toUpper(coalesce(deny.direction, 'INGRESS')) = 'INGRESS' AND coalesce(deny.disabled, false) = false
    AND coalesce(deny.priority, 1000) <= coalesce(fw.priority, 1000)
    AND ((NOT EXISTS { (deny)-[:TARGET_TAG]->(:GCPNetworkTag) } AND size(coalesce(deny.target_tags, [])) = 0
          AND NOT coalesce(deny.has_target_service_accounts, false))
         OR EXISTS { (i)-[:TAGGED]->(:GCPNetworkTag)<-[:TARGET_TAG]-(deny) }
         OR i.service_account_email IN coalesce(deny.target_service_accounts, []))
    AND (toLower(toString(drule.protocol)) = 'all'
         OR (toLower(toString(drule.protocol)) IN ['tcp', '6'] AND (drule.fromport IS NULL
             OR (drule.fromport <= port AND port <= coalesce(drule.toport, drule.fromport)))))
}
WITH i, port, fw ORDER BY port, fw.name
WITH i, port, collect(coalesce(fw.name, fw.id) + ' (priority ' + toString(coalesce(fw.priority, 1000)) + ')') AS rules
WITH i, collect(toString(port) + ' via ' + reduce(s = '', r IN rules | s + CASE s WHEN '' THEN '' ELSE ', ' END + r))
     AS details
CALL (i) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(i)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN i.id AS asset_id, coalesce(i.name, i.id) AS asset_name, 'GCPInstance' AS label, scope,
       'reachable from 0.0.0.0/0 at ' + coalesce(i.public_ip, head(i.public_ips)) + ' on port '
       + reduce(s = '', d IN details | s + CASE s WHEN '' THEN '' ELSE '; ' END + d) AS reason
ORDER BY asset_id
