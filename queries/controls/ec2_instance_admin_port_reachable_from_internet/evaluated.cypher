MATCH (:AWSAccount)-[:RESOURCE]->(i:AWSEC2Instance)
WHERE coalesce(i.state, 'running') = 'running'
RETURN count(DISTINCT i) AS evaluated
