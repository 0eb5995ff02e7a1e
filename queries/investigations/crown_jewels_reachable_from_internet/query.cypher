MATCH (run:ExposureRun {latest: true})
MATCH (n:ExposureNode {run_id: run.run_id, crown_jewel: true})
RETURN n.node_id AS id, n.name AS name, n.label AS label, n.dist AS hops_from_internet, n.sensitivity AS sensitivity,
       n.crown_reason AS crown_reason, coalesce(n.account, n.cluster) AS scope
ORDER BY hops_from_internet, label, name
