MATCH (:AWSAccount)-[:RESOURCE]->(sg:AWSEC2SecurityGroup {name: 'default'}) RETURN count(DISTINCT sg) AS evaluated
