MATCH (r) WHERE r:KubernetesRole OR r:KubernetesClusterRole RETURN count(r) AS evaluated
