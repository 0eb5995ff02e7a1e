MATCH (o)-[:RESOURCE]->(k:GCPServiceAccountKey)
WHERE (o:GCPOrganization OR o:GCPProject) AND k.usage_evidence IS NOT NULL AND NOT coalesce(k.disabled, false)
  AND coalesce(k.key_type, 'USER_MANAGED') <> 'SYSTEM_MANAGED'
RETURN count(DISTINCT k) AS evaluated
