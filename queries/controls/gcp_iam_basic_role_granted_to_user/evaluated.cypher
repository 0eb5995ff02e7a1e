// Allow-policy bindings set on the organization, folders and projects.
MATCH (:GCPOrganization|GCPProject)-[:RESOURCE]->(b:GCPPolicyBinding)
WHERE b.resource_type IN ['organization', 'folder', 'project']
   OR EXISTS { (b)-[:APPLIES_TO]->(:GCPOrganization|GCPFolder|GCPProject) }
RETURN count(DISTINCT b) AS evaluated
