MATCH (run:ExposureRun {latest: true})
MATCH (n:ExposedAsset {run_id: run.run_id})
WHERE n.account = $scope OR n.cluster = $scope
RETURN n.node_id AS id, n.name AS name, n.label AS label, n.ports AS ports, n.exposure_types AS exposure_types,
       n.crown_jewel AS crown_jewel, n.reasons AS reasons
ORDER BY label, name
