// Backwards from the asset, one indexed lookup per hop (ExposureEdge(run_id, dst)), keeping the internet hops.
MATCH (run:ExposureRun {latest: true})
CALL (run) {
  MATCH (e:ExposureEdge {run_id: run.run_id, dst: $id})
  RETURN e, 0 AS hops
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, dst: $id})
  MATCH (e:ExposureEdge {run_id: run.run_id, dst: e1.src})
  RETURN e, 1 AS hops
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, dst: $id})
  MATCH (e2:ExposureEdge {run_id: run.run_id, dst: e1.src})
  MATCH (e:ExposureEdge {run_id: run.run_id, dst: e2.src})
  RETURN e, 2 AS hops
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, dst: $id})
  MATCH (e2:ExposureEdge {run_id: run.run_id, dst: e1.src})
  MATCH (e3:ExposureEdge {run_id: run.run_id, dst: e2.src})
  MATCH (e:ExposureEdge {run_id: run.run_id, dst: e3.src})
  RETURN e, 3 AS hops
  UNION
  MATCH (e1:ExposureEdge {run_id: run.run_id, dst: $id})
  MATCH (e2:ExposureEdge {run_id: run.run_id, dst: e1.src})
  MATCH (e3:ExposureEdge {run_id: run.run_id, dst: e2.src})
  MATCH (e4:ExposureEdge {run_id: run.run_id, dst: e3.src})
  MATCH (e:ExposureEdge {run_id: run.run_id, dst: e4.src})
  RETURN e, 4 AS hops
}
WITH run, e, hops WHERE e.src = 'internet'
WITH run, e, min(hops) AS hops_to_asset
MATCH (entry:ExposureNode {run_id: run.run_id, node_id: e.dst})
RETURN entry.node_id AS entry_id, entry.name AS entry_name, entry.label AS entry_label, e.ports AS ports,
       entry.exposure_types AS exposure_types, hops_to_asset, e.reason AS reason
ORDER BY hops_to_asset, entry_id
