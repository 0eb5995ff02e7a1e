MATCH (p:PrincipalPermissions {latest: true})
WHERE p.scope = $scope AND NOT coalesce(p.removed, false) AND size(coalesce(p.escalations, [])) > 0
RETURN p.scope AS scope, p.principal_id AS principal, p.name AS name, p.kind AS kind, p.admin AS admin,
       p.escalations AS escalations
ORDER BY kind, name
