MATCH (run:ExposureRun {latest: true})
MATCH (n:ExposedAsset {run_id: run.run_id})
WHERE toString($port) + '/tcp' IN n.ports
RETURN n.node_id AS id, n.name AS name, n.label AS label, coalesce(n.account, n.cluster) AS scope,
       n.exposure_types AS exposure_types, n.reasons AS reasons
ORDER BY label, name
