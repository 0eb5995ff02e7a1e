MATCH (a:AWSAccount)-[:RESOURCE]->(d:AWSRDSInstance)
WHERE d.storage_encrypted = false
RETURN d.id AS asset_id, coalesce(d.db_instance_identifier, d.id) AS asset_name, 'RDSInstance' AS label,
       a.id AS scope, 'StorageEncrypted false on ' + coalesce(d.db_instance_identifier, d.id) AS reason
ORDER BY asset_id
