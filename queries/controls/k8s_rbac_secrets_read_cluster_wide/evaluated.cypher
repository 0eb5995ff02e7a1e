MATCH (b:KubernetesClusterRoleBinding) RETURN count(b) AS evaluated
