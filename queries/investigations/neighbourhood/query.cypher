// One scan for the node: ids are unique per label, not across labels, so every node with that id is shown.
MATCH (n)
WHERE n.id = $id
   OR (n:KubernetesServiceAccount AND $id = n.cluster_name + '/ServiceAccount/' + n.namespace + '/' + n.name)
   OR (n:KubernetesUser AND $id = n.cluster_name + '/User/' + n.name)
   OR (n:KubernetesGroup AND $id = n.cluster_name + '/Group/' + n.name)
   OR (n:GCPServiceAccount AND $id ENDS WITH '/serviceAccount:' + n.email)
OPTIONAL MATCH (n)-[r]-(m)
RETURN n AS node, r AS relationship, m AS neighbour, type(r) AS type,
       CASE WHEN r IS NULL THEN null WHEN startNode(r) = n THEN 'out' ELSE 'in' END AS direction,
       m.id AS neighbour_id, coalesce(m.name, m.id) AS neighbour_name, labels(m) AS neighbour_labels
ORDER BY type, direction, neighbour_id
