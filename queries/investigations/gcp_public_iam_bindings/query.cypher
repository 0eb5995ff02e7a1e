MATCH (b:GCPPolicyBinding)
WHERE b.is_public = true
OPTIONAL MATCH (b)-[:APPLIES_TO]->(target)
RETURN b.id AS binding, b.role AS role, b.public_members AS members, b.resource AS resource,
       b.resource_type AS resource_type, coalesce(target.name, target.id) AS target
ORDER BY resource, role
