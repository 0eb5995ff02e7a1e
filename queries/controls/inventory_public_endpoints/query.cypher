MATCH (a:AWSAccount)-[:RESOURCE]->(i:AWSEC2Instance)
WHERE i.publicipaddress IS NOT NULL AND coalesce(i.state, 'running') <> 'terminated'
RETURN i.id AS asset_id, coalesce(i.name, i.id) AS asset_name, 'EC2Instance' AS label, a.id AS scope,
       'public IP ' + i.publicipaddress AS reason
UNION ALL
MATCH (a:AWSAccount)-[:RESOURCE]->(lb:AWSLoadBalancerV2 {scheme: 'internet-facing'})
RETURN coalesce(lb.dnsname, lb.id) AS asset_id, coalesce(lb.name, lb.id) AS asset_name,
       'LoadBalancerV2' AS label, a.id AS scope, 'internet-facing ' + coalesce(lb.type, '') + ' load balancer'
       AS reason
UNION ALL
MATCH (a:AWSAccount)-[:RESOURCE]->(d:AWSRDSInstance {publicly_accessible: true})
RETURN d.id AS asset_id, coalesce(d.db_instance_identifier, d.id) AS asset_name, 'RDSInstance' AS label,
       a.id AS scope, 'publicly accessible database endpoint ' + coalesce(d.endpoint_address, '') AS reason
UNION ALL
MATCH (a:AWSAccount)-[:RESOURCE]->(f:AWSLambda)
WHERE f.function_url IS NOT NULL
RETURN f.arn AS asset_id, f.name AS asset_name, 'AWSLambda' AS label, a.id AS scope,
       'function URL ' + f.function_url + ' (auth ' + coalesce(f.function_url_auth_type, '?') + ')' AS reason
UNION ALL
MATCH (a:AWSAccount)-[:RESOURCE]->(c:AWSEKSCluster {endpoint_public_access: true})
RETURN c.arn AS asset_id, c.name AS asset_name, 'EKSCluster' AS label, a.id AS scope,
       'public Kubernetes API endpoint ' + coalesce(c.endpoint, '') AS reason
UNION ALL
MATCH (s:KubernetesService {type: 'LoadBalancer'})
WHERE s.load_balancer_ingress IS NOT NULL OR size(coalesce(s.load_balancer_dns_names, [])) > 0
RETURN s.id AS asset_id, s.namespace + '/' + s.name AS asset_name, 'KubernetesService' AS label,
       s.cluster_name AS scope, 'LoadBalancer service ' + coalesce(s.load_balancer_dns_names[0],
       toString(s.load_balancer_ingress)) AS reason
