MATCH (i)
WHERE (i:KubernetesServiceAccount AND (i.id = $identity
        OR $identity = i.cluster_name + '/ServiceAccount/' + i.namespace + '/' + i.name))
   OR (i:GCPServiceAccount AND (i.id = $identity OR i.email = $identity))
   OR (i:AWSRole AND (i.id = $identity OR i.name = $identity))
CALL (i) {
  MATCH (p:KubernetesPod)-[:USES_SERVICE_ACCOUNT]->(i)
  RETURN p AS w, 'pod' AS how
  UNION
  MATCH (p:KubernetesPod)-[:USES_SERVICE_ACCOUNT]->(:KubernetesServiceAccount)-[:ASSUMES_ROLE]->(i)
  RETURN p AS w, 'pod (IRSA through its service account)' AS how
  UNION
  MATCH (sa:KubernetesServiceAccount)-[:ASSUMES_ROLE]->(i)
  RETURN sa AS w, 'service account (IRSA annotation)' AS how
  UNION
  MATCH (v:GCPInstance)-[:RUNS_AS]->(i)
  RETURN v AS w, 'VM instance' AS how
  UNION
  MATCH (v:EC2Instance)-[:INSTANCE_PROFILE]->(:AWSInstanceProfile)-[:ASSOCIATED_WITH]->(i)
  RETURN v AS w, 'EC2 instance (instance profile)' AS how
  UNION
  MATCH (f:AWSLambda)-[:ASSUMES]->(i)
  RETURN f AS w, 'Lambda function (execution role)' AS how
}
OPTIONAL MATCH (w)-[:WORKLOAD_PARENT]->(parent)
WHERE parent:KubernetesDeployment OR parent:KubernetesDaemonSet OR parent:KubernetesStatefulSet
RETURN coalesce(i.email, i.id) AS identity, how, w.id AS workload_id,
       CASE WHEN w:KubernetesPod THEN w.namespace + '/' + w.name ELSE coalesce(w.name, w.id) END AS workload_name,
       head([l IN ['KubernetesPod', 'KubernetesServiceAccount', 'GCPInstance', 'EC2Instance', 'AWSLambda']
             WHERE l IN labels(w)]) AS workload_label,
       parent.name AS controller
ORDER BY how, workload_name
