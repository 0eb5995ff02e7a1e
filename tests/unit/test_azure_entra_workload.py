"""Pure parts of the Azure identity gap, on the hand-written tenant's own files: the Entra group and federated
credential transforms, group expansion (nesting, cycles, unknown and last-known member lists) and the AKS
workload identity verdict (issuer, subject, audience, cluster with workload identity off, not collected)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from analysis.exposure.azure_workload import verdict
from analysis.privileges.graph_azure import expand_groups, via_text
from graph.schema.azure.iam import AZURE_MANAGED_IDENTITY, ENTRA_GROUP, ENTRA_GROUP_MEMBERS
from ingest.azure import entra_groups, identities

DAY1 = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten-azure" / "day1"
TENANT = DAY1 / "azure" / "3f5e1d2c-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
PROD = TENANT / "8c1f9a2e-4b3d-4e5f-a6b7-c8d9e0f1a2b3"
AD = TENANT / "tenant" / "ad"


def _load(path: Path) -> Any:
    return json.loads(path.read_text())


def _members_files() -> dict[str, Any]:
    return {p.stem: _load(p) for p in (AD / "group-member-list").glob("*.json")}


def test_groups_transform_members_by_odata_type_and_unknown_lists() -> None:
    out = entra_groups.transform((_load(AD / "group-list.json"), _members_files()))
    assert out.errors == []
    groups = {g["display_name"]: g for g in out.rows[ENTRA_GROUP]}
    assert {n: g["members_collected"] for n, g in groups.items()} == {
        "platform-ops": True,
        "sre-oncall": True,
        "finance-readers": False,
    }
    rows = {r["id"]: r for r in out.rows[ENTRA_GROUP_MEMBERS]}
    assert set(rows) == {groups["platform-ops"]["id"], groups["sre-oncall"]["id"]}  # only collected lists
    sre = rows[groups["sre-oncall"]["id"]]
    listed = _members_files()[groups["sre-oncall"]["id"]]
    by_type = {
        t: {m["id"] for m in listed if m["@odata.type"] == t} for t in {m["@odata.type"] for m in listed}
    }
    assert set(sre["member_user_ids"]) == by_type["#microsoft.graph.user"]
    assert set(sre["member_group_ids"]) == by_type["#microsoft.graph.group"]
    assert set(sre["member_sp_ids"]) == by_type["#microsoft.graph.servicePrincipal"]


def test_an_unreadable_member_list_is_unknown_and_named() -> None:
    groups = _load(AD / "group-list.json")
    gid = groups[0]["id"]
    out = entra_groups.transform((groups, {gid: {"value": []}}))
    assert [g["members_collected"] for g in out.rows[ENTRA_GROUP] if g["id"] == gid] == [False]
    assert out.rows[ENTRA_GROUP_MEMBERS] == [] and gid in out.errors[0]


def test_federated_credentials_attach_by_their_own_id_and_null_when_not_collected() -> None:
    items = _load(PROD / "identity" / "list.json")
    listed = {p.stem: _load(p) for p in (PROD / "identity" / "federated-credential-list").glob("*.json")}
    out = identities.transform((items, listed))
    assert out.errors == []
    creds = {r["name"]: r["federated_credentials"] for r in out.rows[AZURE_MANAGED_IDENTITY]}
    assert creds["id-web"] == [] and creds["aks-prod-agentpool"] is None
    (cred,) = creds["id-orders"]
    assert cred["subject"] == "system:serviceaccount:orders:orders-api"
    # A file named after id-web holding id-orders' credential still attaches it to id-orders.
    moved = identities.transform((items, {"id-web": listed["id-orders"], "id-orders": []}))
    by = {r["name"]: r["federated_credentials"] for r in moved.rows[AZURE_MANAGED_IDENTITY]}
    assert (by["id-web"], by["id-orders"]) == ([], [cred])


def _row(pid: str, kind: str, display: str, collected: bool = False) -> dict[str, Any]:
    return {"principalId": pid, "kind": kind, "display": display, "members_collected": collected, "id": "a1"}


def _m(mid: str, kind: str, fresh: bool = True) -> dict[str, Any]:
    return {"id": mid, "display": mid, "kind": kind, "members_collected": True, "fresh": fresh}


def test_expansion_is_transitive_cycle_safe_and_names_the_chain() -> None:
    rows = [_row("g1", "azure-group", "ops", True)]
    members = {
        "g1": [_m("alice", "azure-user"), _m("g2", "azure-group")],
        "g2": [_m("bob", "azure-user"), _m("g1", "azure-group"), _m("g3", "azure-group")],
        "g3": [_m("g2", "azure-group"), _m("alice", "azure-user")],
    }
    out = expand_groups(rows, members)
    via = {(r["principalId"], via_text(r["via"])) for r in out if "via" in r}
    assert via == {
        ("alice", "via group ops"),
        ("g2", "via group ops"),
        ("bob", "via group ops (through g2)"),
        ("g3", "via group ops (through g2)"),
        ("alice", "via group ops (through g2 → g3)"),
    }
    assert not [r for r in out if r["principalId"] == "g1" and "via" in r]  # the cycle adds nothing


def test_unknown_members_are_not_expanded_and_last_known_ones_are_flagged() -> None:
    rows = [_row("g1", "azure-group", "ops")]
    assert expand_groups(rows, {}) == rows  # never collected: the group keeps its roles alone
    out = expand_groups(rows, {"g1": [_m("alice", "azure-user", fresh=False)]})
    (alice,) = [r for r in out if r["principalId"] == "alice"]
    assert alice["stale"] == ["ops"]


ISSUER = "https://westeurope.oic.prod-aks.azure.com/t/c/"


def _ksa(
    creds: Any, clusters: list[dict[str, Any]] | None = None, ns: str = "orders", name: str = "api"
) -> dict:
    return {
        "ksa": name,
        "namespace": ns,
        "name": "id-orders",
        "credentials": None if creds is None else json.dumps(creds),
        "clusters": [{"name": "aks-prod", "issuer": ISSUER, "wi": True}] if clusters is None else clusters,
    }


def _cred(subject: str = "system:serviceaccount:orders:api", issuer: str = ISSUER, aud: Any = None) -> dict:
    return {
        "name": "c1",
        "issuer": issuer,
        "subject": subject,
        "audiences": aud or ["api://AzureADTokenExchange"],
    }


def test_workload_identity_verdict() -> None:
    assert "federated credential c1 trusts system:serviceaccount:orders:api" in verdict(_ksa([_cred()]))
    assert verdict(_ksa([_cred(subject="system:serviceaccount:orders:batch")])) is None  # subject mismatch
    assert verdict(_ksa([_cred(issuer=ISSUER.rstrip("/"))])) is None  # Entra compares the issuer verbatim
    assert verdict(_ksa([_cred(aud=["api://other"])])) is None
    assert verdict(_ksa([])) is None  # collected, trusts nobody
    off = [{"name": "aks-prod", "issuer": ISSUER, "wi": False}]
    assert verdict(_ksa([_cred()], off)) is None  # workload identity disabled on the cluster
    assert "not collected (not verified)" in verdict(_ksa(None))
    unknown = verdict(_ksa([_cred(issuer="https://elsewhere/")], []))  # AKS cluster not in the inventory
    assert unknown is not None and "issuer not verified" in unknown
