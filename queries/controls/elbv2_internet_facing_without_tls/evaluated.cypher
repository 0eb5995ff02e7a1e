MATCH (:AWSAccount)-[:RESOURCE]->(lb:AWSLoadBalancerV2)
WHERE lb.scheme = 'internet-facing'
RETURN count(DISTINCT lb) AS evaluated
