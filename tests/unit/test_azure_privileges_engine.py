"""The Azure RBAC engine (analysis/privileges/azure.py) and its diff (records.azure_gained_lost), on rows in
the shape ``az role assignment list --all --include-inherited`` and ``az role definition list`` print."""

from __future__ import annotations

import json

from analysis.privileges.azure import (
    CONTRIBUTOR,
    OWNER,
    USER_ACCESS_ADMIN,
    AzureRole,
    admin_reason,
    admin_reasons,
    allows,
    azure_permissions,
)
from analysis.privileges.provenance import attribute
from analysis.privileges.records import gained_lost

SUB = "8c1f9a2e-4b3d-4e5f-a6b7-c8d9e0f1a2b3"
OTHER = "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"
ALICE = "6b1f0c3e-2d4a-4b5c-8d7e-9f0a1b2c3d4e"
MG = "/providers/Microsoft.Management/managementGroups/mg-contoso"
RG = f"/subscriptions/{SUB}/resourceGroups/rg-prod"
KV = f"{RG}/providers/Microsoft.KeyVault/vaults/kv-contoso-prod"
CUSTOM = "d1c2b3a4-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
CONTRIBUTOR_NOT = [
    "Microsoft.Authorization/*/Delete",
    "Microsoft.Authorization/*/Write",
    "Microsoft.Authorization/elevateAccess/Action",
]
ROLES = {
    OWNER: AzureRole(OWNER, "Owner", ("*",)),
    CONTRIBUTOR: AzureRole(CONTRIBUTOR, "Contributor", ("*",), tuple(CONTRIBUTOR_NOT)),
    USER_ACCESS_ADMIN: AzureRole(
        USER_ACCESS_ADMIN,
        "User Access Administrator",
        ("*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"),
    ),
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": AzureRole(
        "acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader", ("*/read",)
    ),
}


def assignment(principal: str, role: str, name: str, scope: str, sub: str = SUB, **extra: object) -> dict:
    """One item of ``az role assignment list`` (definition ids are printed subscription-scoped)."""
    guid = "a0b1c2d3-e4f5-4a6b-8c7d-" + format(abs(hash((principal, role, scope))) % 16**12, "012x")
    return {
        "condition": None,
        "conditionVersion": None,
        "id": f"{scope.rstrip('/')}/providers/Microsoft.Authorization/roleAssignments/{guid}",
        "name": guid,
        "principalId": principal,
        "principalType": "User",
        "roleDefinitionId": f"/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{role}",
        "roleDefinitionName": name,
        "scope": scope,
        "type": "Microsoft.Authorization/roleAssignments",
        **extra,
    }


def test_wildcards_follow_actions_minus_not_actions_case_insensitively() -> None:
    assert allows(["Microsoft.Authorization/*"], [], "microsoft.authorization/roleassignments/write")
    assert allows(["*"], CONTRIBUTOR_NOT, "Microsoft.Compute/virtualMachines/write")
    assert not allows(["*"], CONTRIBUTOR_NOT, "Microsoft.Authorization/roleAssignments/write")
    assert not allows(["*/read"], [], "Microsoft.Authorization/roleAssignments/write")
    assert allows(["Microsoft.Compute/*/read"], [], "Microsoft.Compute/virtualMachines/read")
    assert not allows(["Microsoft.Compute/*/read"], [], "Microsoft.Network/virtualNetworks/read")


def test_admin_equivalent_roles_and_their_reasons() -> None:
    for guid in (OWNER, CONTRIBUTOR, USER_ACCESS_ADMIN):
        assert admin_reason(ROLES[guid]), guid
    assert admin_reason(ROLES["acdd72a7-3385-48ef-bd42-f606fba81ae7"]) is None
    star = AzureRole(CUSTOM, "Contoso Ops Admin", ("*",))
    assert "`*`" in (admin_reason(star) or "")
    # A custom role that can write role assignments can grant itself Owner.
    assigner = AzureRole("0f", "Access Delegate", ("Microsoft.Authorization/roleAssignments/*",))
    assert "roleAssignments/write" in (admin_reason(assigner) or "")
    # ... unless notActions take it away again.
    capped = AzureRole("1f", "Capped", ("Microsoft.Authorization/*",), ("Microsoft.Authorization/*/write",))
    assert admin_reason(capped) is None


def test_inherited_assignments_are_projected_onto_the_subscription() -> None:
    rows = [
        assignment(ALICE, OWNER, "Owner", MG),
        assignment(ALICE, "acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader", "/"),
        assignment(ALICE, CONTRIBUTOR, "Contributor", RG),
        assignment(ALICE, "4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", KV),
    ]
    perms = azure_permissions(rows, ROLES, SUB)[ALICE]
    sub = f"/subscriptions/{SUB}"
    assert sorted(perms.entries_as_strings()) == sorted(
        [
            f"Owner on {sub} (via {MG.lower()})",
            f"Reader on {sub} (via /)",
            f"Contributor on {RG.lower()}",
            # The definition was not collected: reported by the name az printed, permissions unknown.
            f"Key Vault Secrets User on {KV.lower()}",
        ]
    )
    kv = next(g for g in perms.grants if g.role == "Key Vault Secrets User")
    assert kv.perms is None
    assert [r.split(":")[1] for r in admin_reasons(perms, ROLES)] == ["Contributor", "Owner"]


def test_conditional_user_access_administrator_is_not_admin() -> None:
    cond = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})))"
    rows = [
        assignment(
            ALICE, USER_ACCESS_ADMIN, "User Access Administrator", f"/subscriptions/{SUB}", condition=cond
        )
    ]
    perms = azure_permissions(rows, ROLES, SUB)[ALICE]
    assert admin_reasons(perms, ROLES) == []
    assert perms.grants[0].condition == cond


def _entries(rows: list[dict], roles: dict = ROLES) -> str:
    perms = azure_permissions(rows, roles, SUB)
    return json.dumps([list(g) for g in perms[ALICE].grants]) if ALICE in perms else "[]"


def test_creep_diff_coverage_and_widened_custom_roles() -> None:
    sub = f"/subscriptions/{SUB}"
    day1 = _entries([assignment(ALICE, CONTRIBUTOR, "Contributor", RG)])
    # The assignment moves up from the resource group to the subscription: gained, nothing lost.
    day2 = _entries([assignment(ALICE, CONTRIBUTOR, "Contributor", sub)])
    assert gained_lost("azure-user", day1, day2) == ([f"Contributor on {sub}"], [])
    assert gained_lost("azure-user", day2, day1) == ([], [f"Contributor on {sub}"])
    # Inherited from a management group instead: the subscription holds the same role, so no creep there;
    # from the resource group, the subscription-wide grant is gained and names where it comes from.
    day3 = _entries([assignment(ALICE, CONTRIBUTOR, "Contributor", MG)])
    assert gained_lost("azure-user", day2, day3) == ([], [])
    assert gained_lost("azure-user", day1, day3) == ([f"Contributor on {sub} (via {MG.lower()})"], [])
    # A custom role whose actions widen: same grant, new permission lines.
    narrow = {CUSTOM: AzureRole(CUSTOM, "Ops", ("Microsoft.Compute/*/read",))}
    wide = {CUSTOM: AzureRole(CUSTOM, "Ops", ("Microsoft.Compute/*/read", "Microsoft.Compute/*/write"))}
    rows = [assignment(ALICE, CUSTOM, "Ops", sub)]
    assert gained_lost("azure-user", _entries(rows, narrow), _entries(rows, wide)) == (
        [f"Ops on {sub}: now lists action Microsoft.Compute/*/write"],
        [],
    )


def test_provenance_names_the_assignment_its_level_and_the_inheritance() -> None:
    row = assignment(ALICE, OWNER, "Owner", MG)
    entries = _entries([row])
    sources = json.dumps(
        [
            {
                "assignment": row["id"].lower(),
                "role": "Owner",
                "role_id": OWNER,
                "scope": MG.lower(),
                "level": "management_group",
            }
        ]
    )
    wanted = f"Owner on /subscriptions/{SUB} (via {MG.lower()})"
    [src] = attribute("azure-user", entries, [wanted], sources, {})[wanted]
    assert src["binding"] == row["id"].lower() and src["set_on"] == MG.lower()
    assert src["text"] == (
        f"role assignment {row['name']} (Owner) set on management group mg-contoso, "
        "inherited by the subscription"
    )


def test_only_levels_above_the_subscription_are_projected_onto_it() -> None:
    """A grant on another subscription's resource group (never listed in practice) stays on its own scope."""
    other_rg = f"/subscriptions/{OTHER}/resourceGroups/x"
    rows = [assignment(ALICE, OWNER, "Owner", other_rg, sub=OTHER)]
    [g] = azure_permissions(rows, ROLES, SUB)[ALICE].grants
    assert g.resource == g.assigned_at == other_rg.lower()
