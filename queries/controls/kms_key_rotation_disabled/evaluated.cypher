MATCH (:AWSAccount)-[:RESOURCE]->(k:AWSKMSKey)
WHERE k.key_manager = 'CUSTOMER' AND k.key_state = 'Enabled' AND k.key_spec = 'SYMMETRIC_DEFAULT'
  AND k.origin = 'AWS_KMS'
RETURN count(DISTINCT k) AS evaluated
