MATCH (a:AWSAccount)-[:RESOURCE]->(d:AWSRDSInstance)
WHERE d.publicly_accessible = true
RETURN d.id AS asset_id, coalesce(d.db_instance_identifier, d.id) AS asset_name, 'RDSInstance' AS label,
       a.id AS scope, 'PubliclyAccessible true, endpoint ' + coalesce(d.endpoint_address, '?') + ':' + toString(coalesce(d.endpoint_port, '?')) AS reason
ORDER BY asset_id
