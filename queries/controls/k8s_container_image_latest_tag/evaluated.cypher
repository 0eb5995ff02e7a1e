MATCH (p:KubernetesPod) RETURN count(p) AS evaluated
