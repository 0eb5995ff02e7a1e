MATCH (ns:KubernetesNamespace)
WHERE EXISTS { MATCH (s:KubernetesService {type: 'LoadBalancer'})
               WHERE s.namespace = ns.name AND s.cluster_name = ns.cluster_name }
RETURN count(ns) AS evaluated
