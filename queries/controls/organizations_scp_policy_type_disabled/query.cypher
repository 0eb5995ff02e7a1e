MATCH (o:AWSOrganization) WHERE NOT coalesce(o.scp_enabled, false)
RETURN o.id AS asset_id, o.id AS asset_name, 'AWSOrganization' AS label, o.management_account_id AS scope,
       'organization ' + o.id + ' (feature set ' + coalesce(o.feature_set, 'unknown')
       + ') has SERVICE_CONTROL_POLICY disabled' AS reason
ORDER BY asset_id
