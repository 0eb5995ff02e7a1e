MATCH (c:KubernetesCluster {name: $cluster})-[:RESOURCE]->(p:KubernetesPod)
OPTIONAL MATCH (p)-[:CONTAINS]->(ctr:KubernetesContainer {privileged: true})
WITH p, collect(DISTINCT 'privileged container ' + ctr.name) AS privileged
WITH p, privileged
  + CASE WHEN p.host_network = true THEN ['hostNetwork'] ELSE [] END
  + CASE WHEN p.host_pid = true THEN ['hostPID'] ELSE [] END
  + CASE WHEN p.host_ipc = true THEN ['hostIPC'] ELSE [] END
  + [x IN coalesce(p.host_path_volume_paths, []) | 'hostPath ' + x] AS why
WHERE size(why) > 0
RETURN p.id AS pod_id, p.namespace + '/' + p.name AS pod, p.service_account_name AS service_account, why
ORDER BY pod
