MATCH (:AWSAccount)-[:RESOURCE]->(sg:AWSEC2SecurityGroup) RETURN count(DISTINCT sg) AS evaluated
