MATCH (pod:KubernetesPod)
WHERE size(coalesce(pod.host_path_volume_paths, [])) > 0
WITH pod, 'hostPath volume(s) ' + reduce(s = '', x IN pod.host_path_volume_paths | s + CASE s WHEN '' THEN '' ELSE ', ' END + x) + CASE WHEN '/' IN pod.host_path_volume_paths THEN ' (the node root filesystem)' ELSE '' END AS detail
// Vetted node agents (e.g. the VPC CNI DaemonSet) are allow-listed as <namespace>/<workload> in
// $system_workloads, not by exempting a whole namespace.
OPTIONAL MATCH (pod)-[:WORKLOAD_PARENT]->(w)
WHERE w:KubernetesDeployment OR w:KubernetesDaemonSet OR w:KubernetesStatefulSet
WITH pod, detail, pod.namespace + '/' + coalesce(head(collect(w.name)), pod.owner_name, pod.name) AS workload
WHERE NOT workload IN $system_workloads
WITH pod, detail ORDER BY detail
WITH pod, collect(DISTINCT detail) AS details
RETURN pod.id AS asset_id, pod.namespace + '/' + pod.name AS asset_name, 'KubernetesPod' AS label,
       pod.cluster_name AS scope, reduce(s = '', d IN details | s + CASE s WHEN '' THEN '' ELSE '; ' END + d)
       AS reason
ORDER BY asset_id
