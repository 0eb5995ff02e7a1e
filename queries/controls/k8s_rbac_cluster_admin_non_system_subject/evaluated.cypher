MATCH (b) WHERE b:KubernetesClusterRoleBinding OR b:KubernetesRoleBinding
RETURN count(b) AS evaluated
