MATCH (:AWSAccount)-[:RESOURCE]->(v:AWSEBSVolume) RETURN count(DISTINCT v) AS evaluated
