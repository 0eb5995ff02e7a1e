"""Entra groups, service principals and AKS workload identity on a real Neo4j.

The hand-written tenant (unmodified ``az … -o json`` shapes) plus the ``kubectl get -o json`` output of its
AKS cluster ``aks-prod`` (tests/data/snapshots/handwritten-azure/aks-prod-k8s), loaded by the real pipeline
with its post-ingest steps (privileges, exposure). Expected facts are read off the snapshot's own files:

* ``platform-ops`` (Contributor on rg-prod) holds user carol and the nested group ``sre-oncall``, which holds
  user dave, the service principal ci-deployer and — a cycle — ``platform-ops`` again; ``finance-readers``
  has no member list (not collected);
* the Kubernetes service account ``orders/orders-api`` names identity ``id-orders`` (client id annotation),
  which has a federated credential for the cluster's OIDC issuer and that subject, and Storage Blob Data
  Reader on ``contosocrownjewels``; ``orders/orders-batch`` names the same identity without a credential for
  its subject; both pods sit behind the internet-facing LoadBalancer Service ``orders/orders-lb``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis.exposure.paths import find_paths
from analysis.privileges.creep import creep, show
from analysis.privileges.graph_azure import GROUPS_NOTE, STALE_NOTE, compute_subscriptions
from analysis.privileges.records import PrincipalRecord, entry_strings
from config import set_settings
from graph import driver
from ingest import registry
from pipeline.run import RunReport, ingest_snapshot
from tests.conftest import _wipe, wipe_app_db

DATA = Path(__file__).resolve().parents[2] / "data" / "snapshots" / "handwritten-azure"
T = "3f5e1d2c-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
PROD = "8c1f9a2e-4b3d-4e5f-a6b7-c8d9e0f1a2b3"
AD = Path("azure") / T / "tenant" / "ad"
RG = f"/subscriptions/{PROD}/resourcegroups/rg-prod"
ID_ORDERS = f"{RG}/providers/microsoft.managedidentity/userassignedidentities/id-orders"
CROWN = f"{RG}/providers/microsoft.storage/storageaccounts/contosocrownjewels"
KSA_API, KSA_BATCH = "aks-prod/orders/orders-api", "aks-prod/orders/orders-batch"


def _snapshot(tmp: Path) -> Path:
    snap = tmp / "snap"
    shutil.copytree(DATA / "day1", snap)
    shutil.copytree(DATA / "aks-prod-k8s" / "k8s", snap / "k8s")
    return snap


def _read(snap: Path, rel: str) -> Any:
    return json.loads((snap / rel).read_text())


def _group_id(snap: Path, name: str) -> str:
    return next(g["id"] for g in _read(snap, str(AD / "group-list.json")) if g["displayName"] == name)


def _member_ids(snap: Path, group: str, kind: str) -> set[str]:
    listed = _read(snap, str(AD / "group-member-list" / f"{_group_id(snap, group)}.json"))
    return {m["id"] for m in listed if m["@odata.type"] == f"#microsoft.graph.{kind}"}


@pytest.fixture(scope="module")
def world(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, RunReport]]:
    set_settings(None)
    _wipe()
    wipe_app_db()
    snap = _snapshot(tmp_path_factory.mktemp("azure-identity"))
    with pytest.MonkeyPatch.context() as mp:
        for name in ("aws_modules", "gcp_modules"):  # Azure and Kubernetes only
            mp.setattr(registry, name, lambda: [])
        report = ingest_snapshot(snap)
        yield snap, report
    _wipe()
    wipe_app_db()


def _rels(rel: str, start: str, end: str, a: str = "id", b: str = "id") -> set[tuple[Any, Any]]:
    rows = driver.read(f"MATCH (x:{start})-[:{rel}]->(y:{end}) RETURN x.{a} AS a, y.{b} AS b")
    return {(r["a"], r["b"]) for r in rows}


def test_groups_members_and_service_principals_load(world: tuple[Path, RunReport]) -> None:
    snap, report = world
    assert report.skipped == [] and report.status == "ok", (report.skipped, report.status)
    groups = {
        r["name"]: r
        for r in driver.read(
            "MATCH (g:EntraGroup) RETURN g.display_name AS name, g.members_collected AS collected, "
            "g.member_count AS n"
        )
    }
    assert {n: (g["collected"], g["n"]) for n, g in groups.items()} == {
        "platform-ops": (True, 2),
        "sre-oncall": (True, 3),
        "finance-readers": (False, None),  # no member list: unknown, not empty
    }
    ops, sre = _group_id(snap, "platform-ops"), _group_id(snap, "sre-oncall")
    assert _rels("MEMBER_OF", "EntraUser", "EntraGroup") == {
        *((u, ops) for u in _member_ids(snap, "platform-ops", "user")),
        *((u, sre) for u in _member_ids(snap, "sre-oncall", "user")),
    }
    assert _rels("MEMBER_OF", "EntraGroup", "EntraGroup") == {(sre, ops), (ops, sre)}
    assert _rels("MEMBER_OF", "EntraServicePrincipal", "EntraGroup") == {
        (sp, sre) for sp in _member_ids(snap, "sre-oncall", "servicePrincipal")
    }
    assert _rels(
        "HAS_ROLE_ASSIGNMENT", "EntraGroup", "AzureRoleAssignment", "display_name", "role_definition_name"
    ) == {("platform-ops", "Contributor")}
    sps = _read(snap, str(AD / "sp-list.json"))
    assert {r["a"] for r in driver.read("MATCH (s:EntraServicePrincipal) RETURN s.app_id AS a")} == {
        s["appId"] for s in sps
    }
    assert _rels(
        "HAS_ROLE_ASSIGNMENT",
        "EntraServicePrincipal",
        "AzureRoleAssignment",
        "display_name",
        "role_definition_name",
    ) == {
        ("ci-deployer", "Contoso Ops Admin"),
        ("id-web", "Key Vault Secrets User"),
        ("id-orders", "Storage Blob Data Reader"),
    }


def test_federated_credentials_and_aks_maps_to_its_kubernetes_cluster(world: tuple[Path, RunReport]) -> None:
    snap, _ = world
    creds = {
        r["name"]: r["fc"]
        for r in driver.read(
            "MATCH (m:AzureManagedIdentity) RETURN m.name AS name, m.federated_credentials AS fc"
        )
    }
    assert creds["id-web"] == "[]"  # collected: trusts no issuer
    assert creds["aks-prod-agentpool"] is None  # its file was not collected: unknown
    (cred,) = json.loads(creds["id-orders"])
    aks = _read(snap, f"azure/{T}/{PROD}/aks/list.json")[0]
    assert (cred["issuer"], cred["subject"]) == (
        aks["oidcIssuerProfile"]["issuerUrl"],
        "system:serviceaccount:orders:orders-api",
    )
    assert _rels("MAPS_TO", "AzureKubernetesCluster", "KubernetesCluster", "name", "name") == {
        ("aks-prod", "aks-prod")
    }
    client = next(
        i["clientId"] for i in _read(snap, f"azure/{T}/{PROD}/identity/list.json") if i["name"] == "id-orders"
    )
    got = driver.read(
        "MATCH (k:KubernetesServiceAccount) WHERE k.azure_client_id IS NOT NULL RETURN k.id AS id, "
        "k.azure_client_id AS c"
    )
    assert {(r["id"], r["c"]) for r in got} == {(KSA_API, client), (KSA_BATCH, client)}


def _records() -> dict[str, PrincipalRecord]:
    return {r.principal_id: r for r in compute_subscriptions([PROD])}


def _vias(rec: PrincipalRecord) -> list[str | None]:
    return [s.get("via") for s in json.loads(rec.sources)]


def test_group_roles_expand_onto_members_with_via_group_provenance(world: tuple[Path, RunReport]) -> None:
    snap, _ = world
    grant = f"Contributor on {RG}"
    recs = _records()
    ops = f"{PROD}/{_group_id(snap, 'platform-ops')}"
    assert grant in show(ops)["entries"] and not recs[ops].guardrails
    assert _vias(recs[ops]) == [None]  # its own assignment; the cycle back through sre-oncall adds nothing
    (carol,) = _member_ids(snap, "platform-ops", "user")
    doc = show(f"{PROD}/{carol}")
    assert (doc["name"], doc["kind"], doc["entries"]) == ("carol@contoso.com", "azure-user", [grant])
    assert _vias(recs[f"{PROD}/{carol}"]) == ["via group platform-ops"]
    (dave,) = _member_ids(snap, "sre-oncall", "user")
    assert show(f"{PROD}/{dave}")["entries"] == [grant]
    assert _vias(recs[f"{PROD}/{dave}"]) == ["via group platform-ops (through sre-oncall)"]
    nested = show(f"{PROD}/{_group_id(snap, 'sre-oncall')}")  # a member group holds it too
    assert nested["kind"] == "azure-group" and nested["entries"] == [grant]
    (ci,) = _member_ids(snap, "sre-oncall", "servicePrincipal")
    app = next(s["appId"] for s in _read(snap, str(AD / "sp-list.json")) if s["id"] == ci)
    sp = show(f"{PROD}/{ci}")
    assert sp["name"] == f"ci-deployer (appId {app})" and sp["kind"] == "azure-serviceprincipal"
    assert grant in sp["entries"] and sp["admin"]  # its own custom role with actions * too
    # Only members hold the group's grant: nobody else in the tenant is given it.
    holders = {p for p, r in recs.items() if grant in entry_strings(r.kind, r.entries)}
    assert holders == {
        ops,
        f"{PROD}/{carol}",
        f"{PROD}/{dave}",
        f"{PROD}/{ci}",
        f"{PROD}/{_group_id(snap, 'sre-oncall')}",
    }


def test_internet_to_pod_to_managed_identity_to_storage(world: tuple[Path, RunReport]) -> None:
    hops = driver.read(
        "MATCH (r:ExposureRun {latest: true}) MATCH (e:ExposureEdge {run_id: r.run_id}) "
        "RETURN e.src AS src, e.dst AS dst, e.type AS type, e.reason AS reason, e.access AS access"
    )
    edges = {(h["src"], h["dst"]): h for h in hops}
    wi = edges[(KSA_API, ID_ORDERS)]
    assert wi["type"] == "runs-as" and "federated credential orders-api trusts" in wi["reason"]
    assert edges[(ID_ORDERS, CROWN)]["access"] == "read"
    # orders-batch names the same identity, but no federated credential trusts its subject: no hop.
    assert any(h["dst"] == KSA_BATCH for h in hops)
    assert (KSA_BATCH, ID_ORDERS) not in edges
    chains = [[n["id"] for n in p["nodes"]] for p in find_paths(target=CROWN)["paths"]]
    through = [c for c in chains if ID_ORDERS in c]
    assert through and all(c[0] == "internet" and c[-3:] == [KSA_API, ID_ORDERS, CROWN] for c in through)


def test_missing_member_lists_are_never_read_as_no_members(
    world: tuple[Path, RunReport], tmp_path: Path
) -> None:
    """Day 2: sre-oncall's member list is missing (collected on day 1) and finance-readers, whose list was
    never collected, gains Reader on rg-prod. finance-readers is not expanded and says its members are
    unknown; sre-oncall keeps its day-1 member edges and is expanded onto them, saying so — so no member
    reads as having lost access because a file is missing."""
    snap, first = world
    day2 = tmp_path / "day2"
    shutil.copytree(snap, day2)
    (day2 / "snapshot.json").write_text(json.dumps({"collected_at": "2026-11-21T06:00:00Z"}))
    sre, fin = _group_id(snap, "sre-oncall"), _group_id(snap, "finance-readers")
    (day2 / AD / "group-member-list" / f"{sre}.json").unlink()
    path = day2 / "azure" / T / PROD / "role" / "assignment-list.json"
    items = json.loads(path.read_text())
    reader = json.loads(json.dumps(next(a for a in items if a["roleDefinitionName"] == "Reader")))
    name = "6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c"
    reader.update(
        id=f"{RG}/providers/Microsoft.Authorization/roleAssignments/{name}".replace(
            "resourcegroups", "resourceGroups"
        ),
        name=name,
        principalId=fin,
        principalName=None,
        principalType="Group",
        scope=f"/subscriptions/{PROD}/resourceGroups/rg-prod",
    )
    path.write_text(json.dumps([*items, reader], indent=2))
    with pytest.MonkeyPatch.context() as mp:
        for mod in ("aws_modules", "gcp_modules"):
            mp.setattr(registry, mod, lambda: [])
        second = ingest_snapshot(day2)
    assert second.status == "ok"
    flags = driver.read("MATCH (g:EntraGroup) RETURN g.id AS id, g.members_collected AS c")
    assert {r["id"]: r["c"] for r in flags}[sre] is False
    (dave,) = _member_ids(snap, "sre-oncall", "user")
    assert (dave, sre) in _rels("MEMBER_OF", "EntraUser", "EntraGroup")  # kept, not swept

    recs = _records()
    finance = recs[f"{PROD}/{fin}"]
    assert entry_strings(finance.kind, finance.entries) == [f"Reader on {RG}"]
    assert GROUPS_NOTE in finance.guardrails  # members unknown, not "no members"
    assert not [
        p
        for p, r in recs.items()
        if p != f"{PROD}/{fin}" and f"Reader on {RG}" in entry_strings(r.kind, r.entries)
    ]
    stale = STALE_NOTE.format("sre-oncall")
    assert stale in recs[f"{PROD}/{dave}"].guardrails and stale in recs[f"{PROD}/{sre}"].guardrails
    assert entry_strings("azure-user", recs[f"{PROD}/{dave}"].entries) == [f"Contributor on {RG}"]
    changed = {p["id"] for p in creep(first.run_id, second.run_id)["principals"]}
    assert changed == {f"{PROD}/{fin}"}  # nobody lost access; finance-readers gained Reader
