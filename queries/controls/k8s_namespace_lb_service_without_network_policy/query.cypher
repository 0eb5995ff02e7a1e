MATCH (ns:KubernetesNamespace)
MATCH (svc:KubernetesService {type: 'LoadBalancer'})
WHERE svc.namespace = ns.name AND svc.cluster_name = ns.cluster_name
OPTIONAL MATCH (np:KubernetesNetworkPolicy)
WHERE np.namespace = ns.name AND np.cluster_name = ns.cluster_name
WITH ns, collect(DISTINCT svc.name) AS services, count(np) AS policies
WHERE policies = 0
RETURN ns.id AS asset_id, ns.name AS asset_name, 'KubernetesNamespace' AS label, ns.cluster_name AS scope,
       'no NetworkPolicy in a namespace exposing LoadBalancer service(s) '
       + reduce(s = '', x IN services | s + CASE s WHEN '' THEN '' ELSE ', ' END + x) AS reason
ORDER BY asset_id
