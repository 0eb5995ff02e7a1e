MATCH (pod:KubernetesPod)-[:CONTAINS]->(c:KubernetesContainer)
WHERE c.image IS NOT NULL AND none(g IN $approved_registries WHERE coalesce(c.image_registry, CASE WHEN size(split(c.image, '/')) > 1 AND (split(c.image, '/')[0] CONTAINS '.' OR split(c.image, '/')[0] CONTAINS ':' OR split(c.image, '/')[0] = 'localhost') THEN split(c.image, '/')[0] ELSE 'docker.io' END) =~ ('^' + replace(replace(g, '.', '\\.'), '*', '[^/]*') + '$'))
WITH pod, 'container ' + c.name + ' pulls ' + c.image + ' from unapproved registry ' + coalesce(c.image_registry, CASE WHEN size(split(c.image, '/')) > 1 AND (split(c.image, '/')[0] CONTAINS '.' OR split(c.image, '/')[0] CONTAINS ':' OR split(c.image, '/')[0] = 'localhost') THEN split(c.image, '/')[0] ELSE 'docker.io' END) AS detail
WITH pod, detail ORDER BY detail
WITH pod, collect(DISTINCT detail) AS details
RETURN pod.id AS asset_id, pod.namespace + '/' + pod.name AS asset_name, 'KubernetesPod' AS label,
       pod.cluster_name AS scope, reduce(s = '', d IN details | s + CASE s WHEN '' THEN '' ELSE '; ' END + d)
       AS reason
ORDER BY asset_id
