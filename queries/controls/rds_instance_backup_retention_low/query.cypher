MATCH (a:AWSAccount)-[:RESOURCE]->(d:AWSRDSInstance)
WHERE coalesce(d.backup_retention_period, 0) < $min_retention_days
RETURN d.id AS asset_id, coalesce(d.db_instance_identifier, d.id) AS asset_name, 'RDSInstance' AS label,
       a.id AS scope, 'automated backup retention ' + toString(coalesce(d.backup_retention_period, 0)) + ' day(s) < ' + toString($min_retention_days) AS reason
ORDER BY asset_id
