MATCH (:AWSAccount)-[:RESOURCE]->(:AWSPrincipal)-[:POLICY]->(p:AWSPolicy)
RETURN count(DISTINCT p) AS evaluated
