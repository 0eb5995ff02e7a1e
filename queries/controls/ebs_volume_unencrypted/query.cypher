MATCH (a:AWSAccount)-[:RESOURCE]->(v:AWSEBSVolume)
WHERE v.encrypted = false
OPTIONAL MATCH (v)-[:ATTACHED_TO]->(i:AWSEC2Instance)
WITH a, v, collect(DISTINCT i.id) AS instances
RETURN v.id AS asset_id, coalesce(v.name, v.id) AS asset_name, 'EBSVolume' AS label, a.id AS scope,
       'volume ' + v.id + ' is not encrypted' + CASE size(instances) WHEN 0 THEN ' (unattached)' ELSE
       ', attached to ' + reduce(s = '', x IN instances | s + CASE s WHEN '' THEN '' ELSE ',' END + x) END
       AS reason
ORDER BY asset_id
