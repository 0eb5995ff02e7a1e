MATCH (r)
WHERE (r:KubernetesRole OR r:KubernetesClusterRole)
  AND ('*' IN coalesce(r.verbs, []) OR '*' IN coalesce(r.resources, []))
  AND NOT r.name STARTS WITH 'system:' AND NOT r.name STARTS WITH 'eks:' AND NOT r.name IN $builtin_roles
RETURN coalesce(r.uid, r.id) AS asset_id, coalesce(r.namespace + '/', '') + r.name AS asset_name,
       CASE WHEN r:KubernetesRole THEN 'KubernetesRole' ELSE 'KubernetesClusterRole' END AS label,
       r.cluster_name AS scope,
       'wildcard in ' + CASE WHEN '*' IN coalesce(r.verbs, []) AND '*' IN coalesce(r.resources, [])
         THEN 'verbs and resources' WHEN '*' IN coalesce(r.verbs, []) THEN 'verbs' ELSE 'resources' END
       AS reason
ORDER BY asset_id
