MATCH (:AWSAccount)-[:RESOURCE]->(b:AWSS3Bucket) RETURN count(DISTINCT b) AS evaluated
