// Enabled INGRESS firewall rules that allow a tcp port of $database_ports from the whole internet (0.0.0.0/0 or ::/0).
// An allowed[] entry (GCPIpRule ALLOWED_BY) covers a port when its protocol is 'all', or tcp (6) with no ports
// (every port) or a range containing it. Deny rules open nothing; egress rules match destinations, not sources.
MATCH (src:GCPIpRange)-[:MEMBER_OF_IP_RULE]->(rule:GCPIpRule)-[:ALLOWED_BY]->(fw:GCPFirewall)
WHERE src.range IN ['0.0.0.0/0', '::/0']
  AND toUpper(coalesce(fw.direction, 'INGRESS')) = 'INGRESS' AND coalesce(fw.disabled, false) = false
WITH fw, src, rule, toLower(toString(rule.protocol)) AS protocol
WITH fw, src, rule, protocol,
     [p IN $database_ports WHERE protocol = 'all' OR (protocol IN ['tcp', '6'] AND (rule.fromport IS NULL
        OR (rule.fromport <= p AND p <= coalesce(rule.toport, rule.fromport))))] AS ports
WHERE size(ports) > 0
UNWIND ports AS port
WITH fw, port, CASE WHEN protocol = 'all' THEN 'all protocols'
     WHEN rule.fromport IS NULL THEN protocol + ' (every port)'
     WHEN coalesce(rule.toport, rule.fromport) = rule.fromport THEN protocol + ':' + toString(rule.fromport)
     ELSE protocol + ':' + toString(rule.fromport) + '-' + toString(rule.toport) END + ' from ' + src.range AS detail
ORDER BY port, detail
WITH fw, collect(DISTINCT port) AS ports, collect(DISTINCT detail) AS details
CALL (fw) {
  MATCH (o:GCPOrganization|GCPProject)-[:RESOURCE]->(fw)
  RETURN o.id AS scope ORDER BY o:GCPOrganization DESC LIMIT 1
}
RETURN fw.id AS asset_id, coalesce(fw.name, fw.id) AS asset_name, 'GCPFirewall' AS label, scope,
       CASE WHEN size(ports) > 1 THEN 'ports ' ELSE 'port ' END + reduce(s = '', p IN ports | s + CASE s WHEN '' THEN '' ELSE ',' END + toString(p))
       + ' open to the internet: ' + reduce(s = '', d IN details | s + CASE s WHEN '' THEN '' ELSE '; ' END + d)
       + '; applies to ' + CASE
         WHEN size(coalesce(fw.target_tags, [])) > 0 THEN 'instances tagged '
           + reduce(s = '', t IN fw.target_tags | s + CASE s WHEN '' THEN '' ELSE ',' END + t)
         WHEN size(coalesce(fw.target_service_accounts, [])) > 0 THEN 'instances running as '
           + reduce(s = '', t IN fw.target_service_accounts | s + CASE s WHEN '' THEN '' ELSE ',' END + t)
         WHEN fw.has_target_service_accounts = true THEN 'instances of its target service accounts'
         ELSE 'every instance of the network' END
       + ' (priority ' + toString(coalesce(fw.priority, 1000)) + ')' AS reason
ORDER BY asset_id
