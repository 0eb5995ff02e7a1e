MATCH (p:GCPProject {id: $project})-[:RESOURCE]->(sa:GCPServiceAccount)-[:HAS_KEY]->(k:GCPServiceAccountKey)
WHERE k.key_type = 'USER_MANAGED'
RETURN p.id AS project, sa.email AS service_account, k.id AS key, k.valid_after_time AS created,
       coalesce(k.disabled, false) AS disabled
ORDER BY service_account, created
