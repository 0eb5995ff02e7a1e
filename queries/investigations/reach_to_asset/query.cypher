// Walk the stored attack graph backwards from the asset, one indexed lookup per hop (ExposureEdge(run_id,
// dst)) and no variable-length pattern, so the cost follows the edges read. A hop met at several depths is
// reported once, at its shortest.
MATCH (run:ExposureRun {latest: true})
CALL (run) {
  MATCH (e:ExposureEdge {run_id: run.run_id, dst: $id})
  RETURN e, 1 AS depth
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, dst: $id})
  MATCH (e:ExposureEdge {run_id: run.run_id, dst: e1.src})
  RETURN e, 2 AS depth
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, dst: $id})
  MATCH (e2:ExposureEdge {run_id: run.run_id, dst: e1.src})
  MATCH (e:ExposureEdge {run_id: run.run_id, dst: e2.src})
  RETURN e, 3 AS depth
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, dst: $id})
  MATCH (e2:ExposureEdge {run_id: run.run_id, dst: e1.src})
  MATCH (e3:ExposureEdge {run_id: run.run_id, dst: e2.src})
  MATCH (e:ExposureEdge {run_id: run.run_id, dst: e3.src})
  RETURN e, 4 AS depth
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, dst: $id})
  MATCH (e2:ExposureEdge {run_id: run.run_id, dst: e1.src})
  MATCH (e3:ExposureEdge {run_id: run.run_id, dst: e2.src})
  MATCH (e4:ExposureEdge {run_id: run.run_id, dst: e3.src})
  MATCH (e:ExposureEdge {run_id: run.run_id, dst: e4.src})
  RETURN e, 5 AS depth
}
WITH run, e, min(depth) AS depth
OPTIONAL MATCH (s:ExposureNode {run_id: run.run_id, node_id: e.src})
RETURN 'exposure' AS via, depth, e.src AS from_id, coalesce(s.name, e.src) AS from_name, s.label AS from_label,
       e.type AS hop, e.dst AS to_id, e.ports AS ports, e.access AS access, e.reason AS reason
UNION
// Principals whose latest stored permissions name the asset in a grant's resource: an S3 ARN
// (arn:aws:s3:::<bucket> or <bucket>/...), a GCP resource (buckets/<name>), or the id itself.
MATCH (p:PrincipalPermissions {latest: true})
WHERE NOT coalesce(p.removed, false)
  AND (p.entries CONTAINS '"' + $id + '"' OR p.entries CONTAINS ':::' + $id + '"'
       OR p.entries CONTAINS ':::' + $id + '/' OR p.entries CONTAINS '/' + $id + '"')
RETURN 'grant' AS via, null AS depth, p.principal_id AS from_id, p.name AS from_name, p.kind AS from_label,
       'grant' AS hop, $id AS to_id, [] AS ports, CASE WHEN p.admin THEN 'admin' END AS access,
       'the stored permissions of ' + p.kind + ' ' + p.name + ' (scope ' + p.scope + ') name it in a grant'
       AS reason
ORDER BY via DESC, depth, from_id, hop, to_id
