MATCH (o:AWSOrganization) RETURN count(o) AS evaluated
