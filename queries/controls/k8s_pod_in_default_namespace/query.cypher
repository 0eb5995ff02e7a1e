MATCH (pod:KubernetesPod)
WHERE pod.namespace = 'default'
WITH pod, 'pod runs in the default namespace' AS detail

WITH pod, detail ORDER BY detail
WITH pod, collect(DISTINCT detail) AS details
RETURN pod.id AS asset_id, pod.namespace + '/' + pod.name AS asset_name, 'KubernetesPod' AS label,
       pod.cluster_name AS scope, reduce(s = '', d IN details | s + CASE s WHEN '' THEN '' ELSE '; ' END + d)
       AS reason
ORDER BY asset_id
