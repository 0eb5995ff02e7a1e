// Evaluated only where the organization's policies were collected: "not collected" is not "not set".
MATCH (o:GCPOrganization) WHERE coalesce(o.org_policies_collected, false)
OPTIONAL MATCH (p:GCPOrgPolicy {constraint: 'compute.vmExternalIpAccess'})-[:APPLIES_TO]->(o)
WITH o, p WHERE p IS NULL OR coalesce(p.reset, false) OR p.all_values = 'ALLOW' OR (p.all_values IS NULL AND size(coalesce(p.allowed_values, [])) = 0) OR coalesce(p.conditional, false)
RETURN o.id AS asset_id, coalesce(o.displayname, o.id) AS asset_name, 'GCPOrganization' AS label, o.id AS scope,
       CASE WHEN p IS NULL THEN 'compute.vmExternalIpAccess is not set on ' + o.id
            WHEN coalesce(p.reset, false) THEN 'compute.vmExternalIpAccess is reset to the default (allow all) on ' + o.id
            WHEN p.all_values = 'ALLOW' THEN 'compute.vmExternalIpAccess allows all values on ' + o.id
            WHEN coalesce(p.conditional, false) THEN 'compute.vmExternalIpAccess on ' + o.id + ' has conditional rules'
            ELSE 'compute.vmExternalIpAccess on ' + o.id + ' lists no allowed value' END + ': any VM may get an external IP' AS reason
ORDER BY asset_id
