MATCH (b:KubernetesClusterRoleBinding)-[:ROLE_REF]->(r:KubernetesClusterRole)
WHERE r.name <> 'cluster-admin'
  AND any(x IN coalesce(r.resources, []) WHERE x IN ['secrets', '*'])
  AND any(v IN coalesce(r.verbs, []) WHERE v IN ['get', 'list', 'watch', '*'])

OPTIONAL MATCH (b)-[:SUBJECT]->(s)
WITH b, r, s, CASE WHEN s:KubernetesServiceAccount THEN 'system:serviceaccount:' + s.namespace + ':' + s.name
     ELSE s.name END AS subject,
     CASE WHEN s:KubernetesServiceAccount THEN 'ServiceAccount' WHEN s:KubernetesGroup THEN 'Group' ELSE 'User' END
     AS kind
WHERE s IS NOT NULL
  AND none(g IN $system_subjects WHERE subject =~ ('^' + replace(replace(g, '.', '\\.'), '*', '.*') + '$'))

WITH b, r, kind + ' ' + subject AS who ORDER BY who
WITH b, r, collect(DISTINCT who) AS subjects
RETURN coalesce(b.uid, b.id) AS asset_id, b.name AS asset_name, 'KubernetesClusterRoleBinding' AS label,
       b.cluster_name AS scope,
       'ClusterRole ' + r.name + ' (' + reduce(s = '', v IN r.verbs | s + CASE s WHEN '' THEN '' ELSE '/' END + v)
       + ' secrets) bound cluster-wide to '
       + reduce(s = '', x IN subjects | s + CASE s WHEN '' THEN '' ELSE ', ' END + x) AS reason
ORDER BY asset_id
