MATCH (latest:IngestRun)
WHERE latest.status IN ['ok', 'partial'] AND latest.collected_at IS NOT NULL
WITH max(latest.collected_at) AS newest
MATCH (run:IngestRun)
WHERE run.status IN ['ok', 'partial'] AND run.collected_at > newest - duration({days: $days})
MATCH (c:AssetChange {run_id: run.id})
WHERE c.scope = $scope OR c.scope STARTS WITH $scope + '/'
   // A GCP organization number also covers its projects: their records carry the project id.
   OR EXISTS { MATCH (:GCPOrganization {id: 'organizations/' + $scope})-[:RESOURCE]->(:GCPProject {id: c.scope}) }
RETURN toString(run.collected_at) AS collected_at, c.kind AS kind, c.label AS label, c.asset_id AS asset_id,
       c.scope AS scope, c.changes AS changes
ORDER BY collected_at DESC, label, asset_id, kind
