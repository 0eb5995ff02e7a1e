MATCH (b)-[:ROLE_REF]->(r:KubernetesClusterRole {name: 'cluster-admin'})
WHERE b:KubernetesClusterRoleBinding OR b:KubernetesRoleBinding

OPTIONAL MATCH (b)-[:SUBJECT]->(s)
WITH b, s, CASE WHEN s:KubernetesServiceAccount THEN 'system:serviceaccount:' + s.namespace + ':' + s.name
     ELSE s.name END AS subject,
     CASE WHEN s:KubernetesServiceAccount THEN 'ServiceAccount' WHEN s:KubernetesGroup THEN 'Group' ELSE 'User' END
     AS kind
WHERE s IS NOT NULL
  AND none(g IN $system_subjects WHERE subject =~ ('^' + replace(replace(g, '.', '\\.'), '*', '.*') + '$'))

WITH b, kind + ' ' + subject AS who ORDER BY who
WITH b, collect(DISTINCT who) AS subjects
RETURN coalesce(b.uid, b.id) AS asset_id, coalesce(b.namespace + '/', '') + b.name AS asset_name,
       CASE WHEN b:KubernetesClusterRoleBinding THEN 'KubernetesClusterRoleBinding' ELSE 'KubernetesRoleBinding' END
       AS label, b.cluster_name AS scope,
       'cluster-admin bound to ' + reduce(s = '', x IN subjects | s + CASE s WHEN '' THEN '' ELSE ', ' END + x)
       AS reason
ORDER BY asset_id
