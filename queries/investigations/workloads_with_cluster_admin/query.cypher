MATCH (c:KubernetesCluster {name: $cluster})-[:RESOURCE]->(sa:KubernetesServiceAccount)
MATCH (b)-[:SUBJECT]->(sa)
WHERE (b:KubernetesClusterRoleBinding OR b:KubernetesRoleBinding)
  AND EXISTS { MATCH (b)-[:ROLE_REF]->(:KubernetesClusterRole {name: 'cluster-admin'}) }
OPTIONAL MATCH (p:KubernetesPod)-[:USES_SERVICE_ACCOUNT]->(sa)
OPTIONAL MATCH (p)-[:WORKLOAD_PARENT]->(w)
WHERE w:KubernetesDeployment OR w:KubernetesDaemonSet OR w:KubernetesStatefulSet
RETURN c.name AS cluster, sa.namespace + '/' + sa.name AS service_account, collect(DISTINCT b.name) AS bindings,
       collect(DISTINCT p.namespace + '/' + p.name) AS pods, collect(DISTINCT w.name) AS workloads
ORDER BY service_account
