// Evaluated only where the organization's policies were collected: "not collected" is not "not set".
MATCH (o:GCPOrganization) WHERE coalesce(o.org_policies_collected, false)
OPTIONAL MATCH (p:GCPOrgPolicy {constraint: 'storage.publicAccessPrevention'})-[:APPLIES_TO]->(o)
WITH o, p WHERE p IS NULL OR coalesce(p.reset, false) OR NOT coalesce(p.enforced, false) OR coalesce(p.conditional, false)
RETURN o.id AS asset_id, coalesce(o.displayname, o.id) AS asset_name, 'GCPOrganization' AS label, o.id AS scope,
       CASE WHEN p IS NULL THEN 'storage.publicAccessPrevention is not set on ' + o.id
            WHEN coalesce(p.reset, false) THEN 'storage.publicAccessPrevention is reset to the default on ' + o.id
            WHEN coalesce(p.conditional, false) THEN 'storage.publicAccessPrevention is enforced on ' + o.id + ' only under a condition'
            ELSE 'storage.publicAccessPrevention is set to not enforced on ' + o.id END + ': buckets below it may be made public' AS reason
ORDER BY asset_id
