MATCH (:AWSAccount)-[:RESOURCE]->(u:AWSUser)
WHERE u.credential_report_at IS NOT NULL AND u.password_enabled = true
RETURN count(DISTINCT u) AS evaluated
