MATCH (a:AWSAccount)-[:RESOURCE]->(k:AWSKMSKey)
WHERE k.key_manager = 'CUSTOMER' AND k.key_state = 'Enabled' AND k.key_spec = 'SYMMETRIC_DEFAULT'
  AND k.origin = 'AWS_KMS' AND k.key_rotation_enabled = false
RETURN k.arn AS asset_id, coalesce(k.description, k.key_id) AS asset_name, 'AWSKMSKey' AS label, a.id AS scope,
       'automatic rotation of the key material is disabled' AS reason
ORDER BY asset_id
