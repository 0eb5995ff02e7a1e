MATCH (run:ExposureRun {latest: true})
MATCH (n:ExposureNode {run_id: run.run_id, label: 'EC2Instance'})
MATCH (i:EC2Instance {id: n.node_id})
WHERE coalesce(i.metadatahttpendpoint, 'enabled') = 'enabled'
  AND (i.metadatahttptokens = 'optional' OR i.imdsv1enabled = true)
OPTIONAL MATCH (i)-[:INSTANCE_PROFILE]->(:AWSInstanceProfile)-[:ASSOCIATED_WITH]->(r:AWSRole)
RETURN i.id AS instance, coalesce(i.name, i.id) AS name, n.account AS account, n.dist AS hops_from_internet,
       n.ports AS ports, i.metadatahttptokens AS http_tokens, collect(DISTINCT r.arn) AS roles
ORDER BY instance
