MATCH (o:GCPOrganization) WHERE coalesce(o.org_policies_collected, false) RETURN count(o) AS evaluated
