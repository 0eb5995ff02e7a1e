MATCH (a:AWSAccount)-[:RESOURCE]->(i:AWSEC2Instance)
WHERE coalesce(i.state, 'running') <> 'terminated'
  AND coalesce(i.metadatahttpendpoint, 'enabled') = 'enabled'
  AND (i.metadatahttptokens = 'optional' OR i.imdsv1enabled = true)
RETURN i.id AS asset_id, coalesce(i.name, i.id) AS asset_name, 'EC2Instance' AS label, a.id AS scope,
       'IMDSv1 allowed: MetadataOptions.HttpTokens ' + coalesce(i.metadatahttptokens, 'optional')
       + ' on ' + i.id AS reason
ORDER BY asset_id
