MATCH (:AWSAccount)-[:RESOURCE]->(:AWSUser)-[:AWS_ACCESS_KEY]->(k:AccountAccessKey)
WHERE k.status = 'Active' AND k.usage_evidence IS NOT NULL
RETURN count(DISTINCT k) AS evaluated
