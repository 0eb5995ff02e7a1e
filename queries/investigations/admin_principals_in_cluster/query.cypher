MATCH (c:KubernetesCluster {name: $cluster})-[:RESOURCE]->(p)
WHERE (p:KubernetesServiceAccount OR p:KubernetesUser OR p:KubernetesGroup) AND p.admin_equivalent = true
OPTIONAL MATCH (b:KubernetesClusterRoleBinding)-[:SUBJECT]->(p)
WHERE EXISTS { MATCH (b)-[:ROLE_REF]->(:KubernetesClusterRole {name: 'cluster-admin'}) }
RETURN c.name AS cluster, p.id AS principal,
       CASE WHEN p:KubernetesServiceAccount THEN p.namespace + '/' + p.name ELSE p.name END AS name,
       head([l IN ['KubernetesServiceAccount', 'KubernetesUser', 'KubernetesGroup'] WHERE l IN labels(p)]) AS kind,
       collect(DISTINCT b.name) AS cluster_admin_bindings
ORDER BY kind, name
