"""Azure privileges on a real Neo4j: the hand-written tenant snapshot (unmodified ``az … -o json`` shapes) as
day 1, and a day 2 with an inherited Owner (the managed identity ``id-web`` becomes Owner on management group
``mg-prod``, listed by ``--include-inherited`` in the prod subscription only) and the ``platform-ops`` group's
Contributor moved from ``rg-prod`` up to the subscription. The pipeline's privileges step computes the
records; the CLI's domain functions and the ``/api/v1/privileges/*`` endpoints (full and subscription-scoped
keys) report them. Expected facts are read off the snapshot's own files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from analysis.privileges.creep import creep, show
from analysis.privileges.steps import PROVIDERS
from api.app import create_app
from appdb import keys as apikeys
from config import set_settings
from ingest import registry
from pipeline.analyze import scopes as analyze_scopes
from pipeline.run import ingest_snapshot
from tests.conftest import _wipe, wipe_app_db

DAY1 = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten-azure" / "day1"
TENANT = "3f5e1d2c-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
PROD, DEV = "8c1f9a2e-4b3d-4e5f-a6b7-c8d9e0f1a2b3", "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"
ID_WEB = "5a6b7c8d-9e0f-4a1b-2c3d-4e5f6a7b8c9d"  # principalId of identity id-web (identity/list.json)
OPS_GROUP = "0f1e2d3c-4b5a-4968-8776-655443322110"  # platform-ops (principalType Group)
MG_PROD = "/providers/Microsoft.Management/managementGroups/mg-prod"
SUB = f"/subscriptions/{PROD}"
OWNER_MG_PROD_ID = (
    f"{MG_PROD}/providers/Microsoft.Authorization/roleAssignments/0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
)


def _assignments(root: Path, sub: str) -> Path:
    return root / "azure" / TENANT / sub / "role" / "assignment-list.json"


def _day2(tmp: Path) -> Path:
    day2 = tmp / "day2"
    shutil.copytree(DAY1, day2)
    (day2 / "snapshot.json").write_text(json.dumps({"collected_at": "2026-11-21T06:00:00Z"}))
    path = _assignments(day2, PROD)
    items = json.loads(path.read_text())
    ops = next(i for i in items if i["principalId"] == OPS_GROUP)
    ops["scope"] = SUB  # Contributor moves up from rg-prod to the whole subscription
    ops["id"] = f"{SUB}/providers/Microsoft.Authorization/roleAssignments/{ops['name']}"
    items.append(
        {
            "condition": None,
            "conditionVersion": None,
            "createdBy": "6b1f0c3e-2d4a-4b5c-8d7e-9f0a1b2c3d4e",
            "createdOn": "2026-11-20T18:00:00.000000+00:00",
            "delegatedManagedIdentityResourceId": None,
            "description": None,
            "id": OWNER_MG_PROD_ID,
            "name": OWNER_MG_PROD_ID.rsplit("/", 1)[-1],
            "principalId": ID_WEB,
            "principalName": "id-web",
            "principalType": "ServicePrincipal",
            "roleDefinitionId": f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/"
            "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            "roleDefinitionName": "Owner",
            "scope": MG_PROD,
            "type": "Microsoft.Authorization/roleAssignments",
            "updatedBy": "6b1f0c3e-2d4a-4b5c-8d7e-9f0a1b2c3d4e",
            "updatedOn": "2026-11-20T18:00:00.000000+00:00",
        }
    )
    path.write_text(json.dumps(items, indent=2))
    return day2


class World:
    def __init__(self, client: TestClient, keys: dict[str, str], runs: list[str]) -> None:
        self.client, self.keys, self.runs = client, keys, runs

    def get(self, path: str, who: str = "full", status: int = 200) -> Any:
        r = self.client.get(path, headers={"Authorization": f"Bearer {self.keys[who]}"})
        assert r.status_code == status, (path, who, r.text[:300])
        return r.json()


@pytest.fixture(scope="module")
def world(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    set_settings(None)
    _wipe()
    wipe_app_db()
    runs = []
    with pytest.MonkeyPatch.context() as mp:
        for name in ("aws_modules", "k8s_modules", "gcp_modules"):
            mp.setattr(registry, name, lambda: [])
        for folder in (DAY1, _day2(tmp_path_factory.mktemp("azure-privileges"))):
            report = ingest_snapshot(folder)
            assert report.status in ("ok", "partial")
            runs.append(report.run_id)
    keys = {
        "full": apikeys.create_key("full", "viewer")[1],
        "prod": apikeys.create_key("prod", "viewer", scopes=apikeys.Scopes(azure_subscriptions=(PROD,)))[1],
        "dev": apikeys.create_key("dev", "viewer", scopes=apikeys.Scopes(azure_subscriptions=(DEV,)))[1],
    }
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield World(client, keys, runs)
    _wipe()
    wipe_app_db()


def _day1_assignments(sub: str) -> list[dict[str, Any]]:
    return json.loads(_assignments(DAY1, sub).read_text())


def _ops_members() -> dict[str, str]:
    """platform-ops' members, nested ones included (ad group member list files): object id -> @odata.type."""
    folder = DAY1 / "azure" / TENANT / "tenant" / "ad" / "group-member-list"
    out: dict[str, str] = {}
    todo = [OPS_GROUP]
    while todo:
        path = folder / f"{todo.pop()}.json"
        for m in json.loads(path.read_text()) if path.is_file() else []:
            if m["id"] != OPS_GROUP and m["id"] not in out:
                out[m["id"]] = m["@odata.type"]
                todo += [m["id"]] if m["@odata.type"] == "#microsoft.graph.group" else []
    return out


def test_every_assigned_principal_has_a_record_per_subscription(world: World) -> None:
    for sub in (PROD, DEV):
        principals = {a["principalId"] for a in _day1_assignments(sub)}
        for pid in principals:
            doc = show(f"{sub}/{pid}")
            assert doc["scope"] == sub and doc["kind"].startswith("azure-"), doc
            assert len(doc["history"]) >= 1


def test_inherited_and_direct_grants_with_admin_reasons(world: World) -> None:
    alice = next(a for a in _day1_assignments(PROD) if a["roleDefinitionName"] == "Owner")
    mg = alice["scope"].lower()
    doc = show(f"{PROD}/{alice['principalId']}")
    assert (doc["name"], doc["kind"], doc["admin"]) == ("alice@contoso.com", "azure-user", True)
    # Owner on mg-contoso and Reader on the tenant root, both inherited by the subscription.
    assert doc["entries"] == [f"Owner on {SUB} (via {mg})", f"Reader on {SUB} (via /)"]
    assert [e.split(":")[1] for e in doc["escalations"]] == ["Owner"]
    # The dev subscription inherits the same Owner from mg-contoso (dev sits right below it).
    assert show(f"{DEV}/{alice['principalId']}")["entries"] == [f"Owner on /subscriptions/{DEV} (via {mg})"]

    by_name = {
        a["roleDefinitionName"]: a
        for a in _day1_assignments(PROD)
        if a["principalId"] != alice["principalId"]
    }
    kv = show(f"{PROD}/{ID_WEB}")  # day 2: also Owner (see the creep test); its day-1 version is in history
    assert kv["kind"] == "azure-managedidentity" and kv["name"] == "id-web"
    assert f"Key Vault Secrets User on {by_name['Key Vault Secrets User']['scope'].lower()}" in kv["entries"]
    ci = show(f"{PROD}/{by_name['Contoso Ops Admin']['principalId']}")  # custom role with actions *
    assert ci["admin"] and ci["kind"] == "azure-serviceprincipal" and "`*`" in ci["escalations"][0]
    guest = show(f"{PROD}/{by_name['User Access Administrator']['principalId']}")
    assert guest["admin"] and "User Access Administrator" in guest["escalations"][0]
    reader = show(f"{PROD}/{by_name['Reader']['principalId']}")
    assert not reader["admin"] and reader["entries"] == [f"Reader on {SUB}"]
    assert reader["name"] == by_name["Reader"]["principalId"]  # az printed no principalName


def test_inherited_owner_creep_with_provenance(world: World) -> None:
    doc = creep(world.runs[0], world.runs[1])
    got = {p["id"]: p for p in doc["principals"]}
    members = _ops_members()
    assert members  # the group's members (nested ones too) gain what the group gains
    assert set(got) == {
        f"{PROD}/{ID_WEB}",
        f"{PROD}/{OPS_GROUP}",
        *(f"{PROD}/{m}" for m in members),
    }  # nothing in dev: mg-prod is above prod only
    web = got[f"{PROD}/{ID_WEB}"]
    gained = f"Owner on {SUB} (via {MG_PROD.lower()})"
    assert (web["status"], web["admin_before"], web["admin_after"]) == ("changed", False, True)
    assert (web["gained"], web["lost"]) == ([gained], [])
    [src] = web["provenance"]["gained"][gained]
    assert src["binding"] == OWNER_MG_PROD_ID.lower() and src["set_on"] == MG_PROD.lower()
    assert src["text"].endswith("set on management group mg-prod, inherited by the subscription")
    assert web["admin_via"] == [src["text"]]
    assert [e.split(":")[1] for e in web["escalations_gained"]] == ["Owner"]
    ops = got[f"{PROD}/{OPS_GROUP}"]
    # Moved up from rg-prod: the subscription-wide grant is gained, the resource-group one is still covered.
    assert (ops["gained"], ops["lost"], ops["kind"]) == ([f"Contributor on {SUB}"], [], "azure-group")
    users = creep(world.runs[0], world.runs[1], kind="azure-user")["principals"]
    assert {u["id"] for u in users} == {
        f"{PROD}/{m}" for m, t in members.items() if t == "#microsoft.graph.user"
    }
    for u in users:
        assert (u["gained"], u["lost"]) == ([f"Contributor on {SUB}"], [])
        [src] = u["provenance"]["gained"][f"Contributor on {SUB}"]
        assert src["via"].startswith("via group platform-ops") and src["text"].endswith(src["via"]), src


def test_privileges_endpoints_report_it_and_follow_subscription_keys(world: World) -> None:
    full = world.get("/api/v1/privileges/creep")
    assert {p["id"] for p in full["principals"]} == {
        f"{PROD}/{ID_WEB}",
        f"{PROD}/{OPS_GROUP}",
        *(f"{PROD}/{m}" for m in _ops_members()),
    }
    web = next(p for p in full["principals"] if p["id"] == f"{PROD}/{ID_WEB}")
    assert web["admin_after"] and web["kind"] == "azure-managedidentity"
    gained = web["gained"][0]
    assert web["provenance"]["gained"][gained][0]["set_on"] == MG_PROD.lower()
    assert world.get("/api/v1/privileges/creep", "prod")["principals"] == full["principals"]
    assert world.get("/api/v1/privileges/creep", "dev")["principals"] == []
    assert world.get(f"/api/v1/privileges/creep?kind=azure-managedidentity&scope={PROD}")["principals"] == [
        web
    ]

    one = world.get(f"/api/v1/privileges/{PROD}/{ID_WEB}", "prod")
    assert one["admin"] and gained in one["entries"] and len(one["history"]) == 2
    world.get(f"/api/v1/privileges/{PROD}/{ID_WEB}", "dev", status=404)

    usage = world.get("/api/v1/privileges/usage?limit=1000", "dev")["principals"]
    assert usage and {(u["provider"], u["scope"], u["status"]) for u in usage} == {
        ("azure", DEV, "not collected")
    }
    assert all("not collected" in u["reason"] and not u["principal_unused"] for u in usage)


def test_analyze_recomputes_every_subscription_with_role_assignments(world: World) -> None:
    """`invgraph analyze` (on a graph already loaded) finds the Azure scopes as the ingest names them."""
    azure = next(p for p in PROVIDERS if p.name == "azure")
    got = {(r.name, r.scope) for r in analyze_scopes() if r.name in azure.module_ids()}
    assert got == {(m, f"{TENANT}/{sub}") for m in azure.module_ids() for sub in (PROD, DEV)}


def test_a_failed_assignment_listing_keeps_the_previous_permissions(world: World, tmp_path: Path) -> None:
    """Not collected / failed input never reads as lost permissions: a broken assignment file fails its
    module, the step keeps the subscription's records, and creep against day 2 is empty."""
    day3 = tmp_path / "day3"
    shutil.copytree(_day2(tmp_path), day3)
    _assignments(day3, PROD).write_text("{not json")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("aws_modules", "k8s_modules", "gcp_modules"):
            mp.setattr(registry, name, lambda: [])
        report = ingest_snapshot(day3)
    assert {m.status.value for m in report.modules if m.name == "azure.role_assignments"} >= {"failed"}
    assert creep(world.runs[1], report.run_id)["principals"] == []
    assert show(f"{PROD}/{ID_WEB}")["admin"]
