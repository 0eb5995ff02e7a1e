MATCH (o:AWSOrganization) WHERE NOT coalesce(o.rcp_enabled, false)
RETURN o.id AS asset_id, o.id AS asset_name, 'AWSOrganization' AS label, o.management_account_id AS scope,
       'organization ' + o.id + ' has RESOURCE_CONTROL_POLICY disabled' AS reason
ORDER BY asset_id
