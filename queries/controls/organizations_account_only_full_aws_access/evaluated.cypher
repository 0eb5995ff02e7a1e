MATCH (o:AWSOrganization)
MATCH (a:AWSAccount {org_id: o.id}) WHERE a.id <> o.management_account_id AND a.org_path IS NOT NULL
RETURN count(DISTINCT a) AS evaluated
