MATCH (:AWSAccount)-[:RESOURCE]->(r:AWSRole)<-[:ASSOCIATED_WITH]-(:AWSInstanceProfile)<-[:INSTANCE_PROFILE]-(:AWSEC2Instance)
RETURN count(DISTINCT r) AS evaluated
