"""AWS Organizations, collected in the management (or delegated-administrator) account only.

Files (docs/snapshot-format.md): ``global/organizations/describe-organization``, ``list-roots``,
``list-organizational-units-for-parent/<parent>``, ``list-accounts-for-parent/<parent>``,
``list-policies/<TYPE>``, ``describe-policy/<policy>``, ``list-targets-for-policy/<policy>``.

Every other account answers ``list-roots`` with AccessDenied (or is in no organization): nothing is
written there and nothing recorded, so its folder reads as "organizations not collected" for the module
and the evaluation says so. ``describe-organization`` is written only once
``list-roots`` succeeded, because its presence is what marks the administrator's folder.
"""

from __future__ import annotations

from ingest.aws.collect.caller import AccountCollector

G = "global"
SVC = "organizations"
NOT_ADMIN = frozenset({"AccessDeniedException", "AWSOrganizationsNotInUseException", "AccessDenied"})
POLICY_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")


def collect_organizations(acct: AccountCollector) -> None:
    roots = acct.probe(G, SVC, "list-roots", NOT_ADMIN)
    if roots is None:
        return
    if acct.call(G, SVC, "describe-organization") is None:
        return
    acct.write(G, SVC, "list-roots", roots)
    parents = [r["Id"] for r in roots.get("Roots", [])]
    while parents:
        parent = parents.pop(0)
        ous = acct.call(G, SVC, "list-organizational-units-for-parent", {"ParentId": parent}, resource=parent)
        acct.call(G, SVC, "list-accounts-for-parent", {"ParentId": parent}, resource=parent)
        parents += [ou["Id"] for ou in (ous or {}).get("OrganizationalUnits", [])]
    enabled = {
        t["Type"]
        for r in roots.get("Roots", [])
        for t in r.get("PolicyTypes") or []
        if t.get("Status") == "ENABLED"
    }
    for kind in POLICY_TYPES:
        if kind not in enabled:
            continue  # listing a disabled type fails; its absence is what the module reads as "not in use"
        listed = acct.call(G, SVC, "list-policies", {"Filter": kind}, resource=kind)
        for policy in (listed or {}).get("Policies", []):
            pid = policy["Id"]
            acct.call(G, SVC, "describe-policy", {"PolicyId": pid}, resource=pid)
            acct.call(G, SVC, "list-targets-for-policy", {"PolicyId": pid}, resource=pid)
