MATCH (a:AWSAccount)-[:RESOURCE]->(d:AWSRDSInstance)
WHERE d.deletion_protection = false
RETURN d.id AS asset_id, coalesce(d.db_instance_identifier, d.id) AS asset_name, 'RDSInstance' AS label,
       a.id AS scope, 'DeletionProtection false on ' + coalesce(d.db_instance_identifier, d.id) AS reason
ORDER BY asset_id
