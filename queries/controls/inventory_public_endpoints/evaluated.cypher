CALL () {
  MATCH (:AWSAccount)-[:RESOURCE]->(n) WHERE n:AWSEC2Instance OR n:AWSLoadBalancerV2 OR n:AWSRDSInstance
    OR n:AWSLambda OR n:AWSEKSCluster
  RETURN count(DISTINCT n) AS cloud
}
CALL () {
  MATCH (s:KubernetesService) RETURN count(s) AS k8s
}
RETURN cloud + k8s AS evaluated
