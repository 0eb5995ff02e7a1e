MATCH (r:AWSRole)
WHERE r.id = $role OR r.arn = $role OR r.name = $role
CALL (r) {
  MATCH (run:ExposureRun {latest: true})
  MATCH (e:ExposureEdge {run_id: run.run_id, src: r.id, type: 'data-access'})
  OPTIONAL MATCH (t:ExposureNode {run_id: run.run_id, node_id: e.dst})
  RETURN 'evaluated' AS basis, e.dst AS asset_id, coalesce(t.name, e.dst) AS asset_name, t.label AS asset_label,
         e.access AS access, e.reason AS detail
  UNION
  MATCH (a:AWSAccount)-[:RESOURCE]->(r)
  MATCH (r)-[:POLICY]->(pol:AWSPolicy)-[:STATEMENT]->(st:AWSPolicyStatement {effect: 'Allow'})
  MATCH (a)-[:RESOURCE]->(d)
  WHERE d:S3Bucket OR d:SecretsManagerSecret OR d:RDSInstance
  WITH pol, st, d,
       CASE WHEN d:S3Bucket THEN 's3:getobject' WHEN d:SecretsManagerSecret THEN 'secretsmanager:getsecretvalue'
            ELSE 'rds-db:connect' END AS action,
       CASE WHEN d:S3Bucket THEN 'arn:aws:s3:::' + d.name + '/*' ELSE coalesce(d.arn, d.id) END AS arn
  // An IAM wildcard as a regular expression: '.' escaped, '*' any run, '?' one character.
  WHERE any(x IN st.action WHERE action =~ '(?i)' + replace(replace(replace(x, '.', '\\.'), '*', '.*'), '?', '.'))
    AND any(x IN st.resource WHERE arn =~ replace(replace(replace(x, '.', '\\.'), '*', '.*'), '?', '.'))
  RETURN 'policy statement' AS basis, d.id AS asset_id, coalesce(d.name, d.id) AS asset_name,
         head([l IN ['S3Bucket', 'SecretsManagerSecret', 'RDSInstance'] WHERE l IN labels(d)]) AS asset_label,
         'read' AS access, 'Allow ' + action + ' in policy ' + pol.name + ' (Denies, boundaries, SCPs not applied)'
         AS detail
}
RETURN r.arn AS role, basis, asset_id, asset_name, asset_label, access, detail
ORDER BY basis, asset_id
