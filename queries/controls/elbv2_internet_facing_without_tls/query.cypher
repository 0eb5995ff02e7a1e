MATCH (a:AWSAccount)-[:RESOURCE]->(lb:AWSLoadBalancerV2)
WHERE lb.scheme = 'internet-facing'
MATCH (lb)-[:ELBV2_LISTENER]->(l:AWSELBV2Listener)
WITH a, lb, collect(DISTINCT toString(l.protocol) + ' ' + toString(l.port)) AS listeners,
     sum(CASE WHEN l.protocol IN ['HTTPS', 'TLS'] THEN 1 ELSE 0 END) AS tls
WHERE tls = 0
RETURN coalesce(lb.dnsname, lb.id) AS asset_id, coalesce(lb.name, lb.id) AS asset_name,
       'LoadBalancerV2' AS label, a.id AS scope,
       'internet-facing with plaintext listeners only: '
       + reduce(s = '', x IN listeners | s + CASE s WHEN '' THEN '' ELSE ', ' END + x) AS reason
ORDER BY asset_id
