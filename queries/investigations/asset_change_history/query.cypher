MATCH (c:AssetChange {asset_id: $id})
OPTIONAL MATCH (run:IngestRun {id: c.run_id})
RETURN c.asset_id AS asset_id, c.label AS label, c.kind AS kind, toString(run.collected_at) AS collected_at,
       c.run_id AS run_id, c.scope AS scope, c.changes AS changes
ORDER BY collected_at, c.seq
