// Evaluated only where the organization's policies were collected: "not collected" is not "not set".
MATCH (o:GCPOrganization) WHERE coalesce(o.org_policies_collected, false)
OPTIONAL MATCH (p:GCPOrgPolicy {constraint: 'compute.skipDefaultNetworkCreation'})-[:APPLIES_TO]->(o)
WITH o, p WHERE p IS NULL OR coalesce(p.reset, false) OR NOT coalesce(p.enforced, false) OR coalesce(p.conditional, false)
RETURN o.id AS asset_id, coalesce(o.displayname, o.id) AS asset_name, 'GCPOrganization' AS label, o.id AS scope,
       CASE WHEN p IS NULL THEN 'compute.skipDefaultNetworkCreation is not set on ' + o.id
            WHEN coalesce(p.reset, false) THEN 'compute.skipDefaultNetworkCreation is reset to the default on ' + o.id
            WHEN coalesce(p.conditional, false) THEN 'compute.skipDefaultNetworkCreation is enforced on ' + o.id + ' only under a condition'
            ELSE 'compute.skipDefaultNetworkCreation is set to not enforced on ' + o.id END + ': new projects get the default network' AS reason
ORDER BY asset_id
