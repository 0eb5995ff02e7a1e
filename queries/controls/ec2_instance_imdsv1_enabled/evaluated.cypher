MATCH (:AWSAccount)-[:RESOURCE]->(i:AWSEC2Instance)
WHERE coalesce(i.state, 'running') <> 'terminated'
RETURN count(DISTINCT i) AS evaluated
