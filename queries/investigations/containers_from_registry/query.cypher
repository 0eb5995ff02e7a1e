MATCH (p:KubernetesPod)-[:CONTAINS]->(c:KubernetesContainer)
WITH p, c, coalesce(c.image_registry, CASE WHEN size(split(c.image, '/')) > 1 AND (split(c.image, '/')[0] CONTAINS '.'
     OR split(c.image, '/')[0] CONTAINS ':' OR split(c.image, '/')[0] = 'localhost') THEN split(c.image, '/')[0]
     ELSE 'docker.io' END) AS registry
WHERE registry = $registry
RETURN registry, p.cluster_name AS cluster, p.namespace + '/' + p.name AS pod, c.name AS container, c.image AS image
ORDER BY cluster, pod, container
