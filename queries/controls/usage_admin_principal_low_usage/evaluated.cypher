MATCH (o)-[:RESOURCE]->(p)
WHERE (o:AWSAccount OR o:GCPOrganization OR o:GCPProject) AND (p:AWSUser OR p:AWSRole OR p:GCPServiceAccount)
  AND p.admin_equivalent = true AND p.usage_status = 'collected' AND p.usage_ratio IS NOT NULL
RETURN count(DISTINCT p) AS evaluated
