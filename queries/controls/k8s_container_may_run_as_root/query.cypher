MATCH (pod:KubernetesPod)-[:CONTAINS]->(c:KubernetesContainer)
// A container without the merged securityContext is unknown (control.yaml requires), not failing.
WHERE c.effective_run_as_non_root IS NOT NULL
  AND coalesce(c.effective_run_as_non_root, c.run_as_non_root, false) = false AND coalesce(c.effective_run_as_user, c.run_as_user) IS NULL
WITH pod, 'container ' + c.name + ' sets neither runAsNonRoot nor a runAsUser (runs as the image user, often root)' AS detail
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
