MATCH (run:ExposureRun {latest: true})
MATCH (b:ExposedAsset {run_id: run.run_id})
WHERE b.label IN ['S3Bucket', 'GCPBucket']
  AND any(t IN b.exposure_types WHERE t IN ['s3-policy', 's3-acl', 'gcs-public-iam'])
OPTIONAL MATCH (e:ExposureEdge {run_id: run.run_id, dst: b.node_id, type: 'data-access'})
OPTIONAL MATCH (who:ExposureNode {run_id: run.run_id, node_id: e.src})
WITH b, collect(DISTINCT coalesce(who.name, e.src) + ' (' + e.access + ')') AS reached_by
RETURN b.node_id AS bucket, b.label AS label, b.account AS account, b.exposure_types AS exposure_types,
       b.reasons AS reasons, reached_by
ORDER BY bucket
