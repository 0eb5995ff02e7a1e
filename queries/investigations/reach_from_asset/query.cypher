// Forward over the stored attack graph, one indexed lookup per hop (ExposureEdge(run_id, src)).
MATCH (run:ExposureRun {latest: true})
CALL (run) {
  MATCH (e:ExposureEdge {run_id: run.run_id, src: $id})
  RETURN e, 1 AS depth
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, src: $id})
  MATCH (e:ExposureEdge {run_id: run.run_id, src: e1.dst})
  RETURN e, 2 AS depth
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, src: $id})
  MATCH (e2:ExposureEdge {run_id: run.run_id, src: e1.dst})
  MATCH (e:ExposureEdge {run_id: run.run_id, src: e2.dst})
  RETURN e, 3 AS depth
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, src: $id})
  MATCH (e2:ExposureEdge {run_id: run.run_id, src: e1.dst})
  MATCH (e3:ExposureEdge {run_id: run.run_id, src: e2.dst})
  MATCH (e:ExposureEdge {run_id: run.run_id, src: e3.dst})
  RETURN e, 4 AS depth
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, src: $id})
  MATCH (e2:ExposureEdge {run_id: run.run_id, src: e1.dst})
  MATCH (e3:ExposureEdge {run_id: run.run_id, src: e2.dst})
  MATCH (e4:ExposureEdge {run_id: run.run_id, src: e3.dst})
  MATCH (e:ExposureEdge {run_id: run.run_id, src: e4.dst})
  RETURN e, 5 AS depth
}
WITH run, e, min(depth) AS depth
OPTIONAL MATCH (t:ExposureNode {run_id: run.run_id, node_id: e.dst})
RETURN 'exposure' AS via, depth, e.src AS from_id, e.type AS hop, e.dst AS to_id, coalesce(t.name, e.dst) AS to_name,
       t.label AS to_label, e.ports AS ports, e.access AS access, e.reason AS reason
UNION
// The identities it runs as, from the inventory, and what the exposure computation stored for them (only
// identities on some internet path have stored hops).
MATCH (n)
WHERE n.id = $id
CALL (n) {
  MATCH (n)-[:INSTANCE_PROFILE]->(:AWSInstanceProfile)-[:ASSOCIATED_WITH]->(i:AWSRole)
  RETURN i, 'instance profile' AS how
  UNION
  MATCH (n:AWSLambda)-[:ASSUMES]->(i:AWSRole)
  RETURN i, 'Lambda execution role' AS how
  UNION
  MATCH (n)-[:USES_SERVICE_ACCOUNT]->(i:KubernetesServiceAccount)
  RETURN i, 'pod service account' AS how
  UNION
  MATCH (n)-[:USES_SERVICE_ACCOUNT]->(:KubernetesServiceAccount)-[:ASSUMES_ROLE]->(i:AWSRole)
  RETURN i, 'IRSA role of its service account (annotation, not verified here)' AS how
  UNION
  MATCH (n:KubernetesServiceAccount)-[:ASSUMES_ROLE]->(i:AWSRole)
  RETURN i, 'IRSA role (annotation, not verified here)' AS how
  UNION
  MATCH (n)-[:RUNS_AS]->(i:GCPServiceAccount)
  RETURN i, 'GCE service account' AS how
}
CALL (n, i, how) {
  RETURN 'inventory' AS via, 1 AS depth, n.id AS from_id, 'runs-as' AS hop, i.id AS to_id,
         coalesce(i.email, i.name, i.id) AS to_name, head([l IN ['AWSRole', 'KubernetesServiceAccount', 'GCPServiceAccount']
         WHERE l IN labels(i)]) AS to_label, [] AS ports,
         CASE WHEN i.admin_equivalent THEN 'admin' END AS access, how + ' (inventory)' AS reason
  UNION
  MATCH (run:ExposureRun {latest: true})
  MATCH (e:ExposureEdge {run_id: run.run_id, src: i.id})
  OPTIONAL MATCH (t:ExposureNode {run_id: run.run_id, node_id: e.dst})
  RETURN 'inventory' AS via, 2 AS depth, e.src AS from_id, e.type AS hop, e.dst AS to_id,
         coalesce(t.name, e.dst) AS to_name, t.label AS to_label, e.ports AS ports, e.access AS access,
         e.reason AS reason
}
RETURN via, depth, from_id, hop, to_id, to_name, to_label, ports, access, reason
ORDER BY via, depth, to_id, hop, from_id
