MATCH (pod:KubernetesPod)
WHERE coalesce(pod.service_account_name, 'default') = 'default'
OPTIONAL MATCH (pod)-[:USES_SERVICE_ACCOUNT]->(sa:KubernetesServiceAccount)
WITH pod, head(collect(sa)) AS sa
WHERE coalesce(pod.automount_service_account_token, sa.automount_service_account_token, true) = true
RETURN pod.id AS asset_id, pod.namespace + '/' + pod.name AS asset_name, 'KubernetesPod' AS label,
       pod.cluster_name AS scope,
       'uses service account ' + pod.namespace + '/default with automountServiceAccountToken unset (token mounted)'
       AS reason
ORDER BY asset_id
