MATCH (p:PrincipalPermissions {principal_id: $principal})
OPTIONAL MATCH (run:IngestRun {id: p.run_id})
RETURN p.principal_id AS principal, p.run_id AS run_id, toString(run.collected_at) AS collected_at,
       coalesce(p.removed, false) AS removed, p.admin AS admin, p.escalations AS escalations,
       p.assumable_roles AS assumable_roles, p.latest AS latest
ORDER BY p.update_tag
