"""Azure modules on a real Neo4j, from the hand-written tenant snapshot (unmodified ``az … -o json`` shapes):
one load shared by the assertions, then the not-collected, bad-input and cleanup rules."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis.exposure.azure import nsg_allowed
from analysis.exposure.compute import build
from analysis.exposure.model import DATA_ACCESS, RUNS_AS
from config import set_settings
from graph import driver
from ingest import registry
from pipeline.run import RunReport, ingest_snapshot
from queries.catalogue import load_catalogue
from queries.runner import EvaluationTarget, run_controls
from tests.conftest import _wipe

REPO = Path(__file__).resolve().parents[3]
DAY1 = REPO / "tests" / "data" / "snapshots" / "handwritten-azure" / "day1"
T = "3f5e1d2c-8a4b-4c6d-9e0f-1a2b3c4d5e6f"
PROD, DEV = "8c1f9a2e-4b3d-4e5f-a6b7-c8d9e0f1a2b3", "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"
MG = "/providers/microsoft.management/managementgroups/"
RG = f"/subscriptions/{PROD}/resourcegroups/rg-prod"
NET = f"{RG}/providers/microsoft.network"
VM_WEB = f"{RG}/providers/microsoft.compute/virtualmachines/web-1"
NIC_WEB = f"{NET}/networkinterfaces/web-1-nic"
ID_WEB = f"{RG}/providers/microsoft.managedidentity/userassignedidentities/id-web"
KV = f"{RG}/providers/microsoft.keyvault/vaults/kv-contoso-prod"
ROLE = "/providers/microsoft.authorization/roledefinitions/"
OWNER = ROLE + "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
LB_VMS = ("app-1", "app-2", "api-1")  # backends of the load balancer and application gateway (test_azure_lb)


def _modules_only_azure(mp: pytest.MonkeyPatch) -> None:
    # Only the Azure modules: other providers' work in progress must not break these tests.
    for name in ("aws_modules", "k8s_modules", "gcp_modules"):
        mp.setattr(registry, name, lambda: [])


def ids(label: str, prop: str = "id") -> set[Any]:
    return {r["v"] for r in driver.read(f"MATCH (n:{label}) RETURN n.{prop} AS v")}


def rels(rel_type: str, start: str, end: str, a: str = "name", b: str = "name") -> set[tuple[Any, Any]]:
    rows = driver.read(f"MATCH (x:{start})-[:{rel_type}]->(y:{end}) RETURN x.{a} AS a, y.{b} AS b")
    return {(r["a"], r["b"]) for r in rows}


def props(label: str, node_id: str) -> dict[str, Any]:
    rows = driver.read(f"MATCH (n:{label} {{id: $id}}) RETURN properties(n) AS p", {"id": node_id})
    return rows[0]["p"] if rows else {}


def statuses(report: RunReport) -> dict[str, str]:
    return {f"{m.scope} {m.name}": m.status.value for m in report.modules}


@pytest.fixture(scope="module")
def report(neo4j_uri: str) -> Iterator[RunReport]:
    set_settings(None)
    _wipe()
    with pytest.MonkeyPatch.context() as mp:
        _modules_only_azure(mp)
        yield ingest_snapshot(DAY1)


def test_every_collected_module_is_ok_and_the_missing_ones_not_collected(report: RunReport) -> None:
    st = statuses(report)
    assert st[f"{T} azure.hierarchy"] == "ok"
    assert st[f"{T} azure.entra_users"] == "ok"
    assert st[f"{T} azure.entra_groups"] == st[f"{T} azure.entra_service_principals"] == "ok"
    prod = {k.split()[-1]: v for k, v in st.items() if k.startswith(f"{T}/{PROD} ")}
    assert set(prod.values()) == {"ok"}, prod
    dev = {k.split()[-1]: v for k, v in st.items() if k.startswith(f"{T}/{DEV} ")}
    # The dev folder holds no sql, aks, keyvault, identity or vnet output: not collected, never "none".
    assert {k for k, v in dev.items() if v == "not collected"} == {
        "azure.sql",
        "azure.aks",
        "azure.keyvaults",
        "azure.identities",
        "azure.vnets",
    }
    assert {v for k, v in dev.items() if v != "not collected"} == {"ok"}
    assert report.skipped == []


def test_hierarchy_tenant_management_groups_subscriptions(report: RunReport) -> None:
    assert ids("AzureTenant") == {T}
    assert ids("AzureManagementGroup", "name") == {T, "mg-contoso", "mg-prod"}
    # account list shows a subscription of another tenant too: not this folder's
    assert ids("AzureSubscription") == {PROD, DEV}
    assert props("AzureSubscription", PROD)["name"] == "Contoso Production"
    assert rels("PARENT", "AzureManagementGroup", "AzureManagementGroup") == {
        ("mg-contoso", T),
        ("mg-prod", "mg-contoso"),
    }
    assert rels("PARENT", "AzureManagementGroup", "AzureTenant", b="id") == {(T, T)}
    assert rels("PARENT", "AzureSubscription", "AzureManagementGroup", a="id") == {
        (PROD, "mg-prod"),
        (DEV, "mg-contoso"),
    }
    assert rels("RESOURCE", "AzureTenant", "AzureSubscription", "id", "id") == {(T, PROD), (T, DEV)}
    assert rels("RESOURCE", "AzureSubscription", "AzureResourceGroup", "id") == {
        (PROD, "rg-prod"),
        (PROD, "MC_rg-prod_aks-prod_westeurope"),
        (DEV, "rg-dev"),
    }


def test_vms_nics_public_ips_subnets_nsgs_meet_across_id_casings(report: RunReport) -> None:
    assert ids("AzureVirtualMachine", "name") == {"web-1", "jump-1", "db-1", *LB_VMS}
    web = props("AzureVirtualMachine", VM_WEB)
    assert (web["public_ips"], web["private_ips"], web["power_state"]) == (
        ["20.61.10.5"],
        ["10.10.1.4"],
        "VM running",
    )
    assert web["password_authentication"] is False
    assert web["resource_id"].endswith(
        "resourceGroups/RG-PROD/providers/Microsoft.Compute/virtualMachines/web-1"
    )
    assert props("AzureVirtualMachine", VM_WEB.replace("web-1", "db-1"))["public_ips"] == []
    assert rels("ATTACHED_TO", "AzureNetworkInterface", "AzureVirtualMachine") == {
        ("web-1-nic", "web-1"),
        ("jump-1-nic", "jump-1"),
        ("db-1-nic", "db-1"),
        *((f"{v}-nic", v) for v in LB_VMS),
    }
    assert rels("ATTACHED_TO", "AzureNetworkInterface", "AzureSubnet") == {
        ("web-1-nic", "snet-web"),
        ("jump-1-nic", "snet-web"),
        ("db-1-nic", "snet-data"),
        *((f"{v}-nic", "snet-app") for v in LB_VMS),
    }
    assert rels("ASSOCIATED_WITH", "AzureNetworkInterface", "AzurePublicIPAddress") == {
        ("web-1-nic", "pip-web-1"),
        ("jump-1-nic", "pip-jump-1"),
    }
    assert rels("ASSOCIATED_WITH", "AzureNetworkInterface", "AzureNetworkSecurityGroup") == {
        ("web-1-nic", "nsg-web-1-nic"),
        ("jump-1-nic", "nsg-jump"),
        ("app-2-nic", "nsg-app-2-nic"),
    }
    assert rels("ASSOCIATED_WITH", "AzureSubnet", "AzureNetworkSecurityGroup") == {
        ("snet-web", "nsg-web-subnet"),
        ("snet-app", "nsg-app"),
        ("snet-agw", "nsg-agw"),
    }
    assert rels("CONTAINS", "AzureVirtualNetwork", "AzureSubnet") == {
        ("vnet-prod", "snet-web"),
        ("vnet-prod", "snet-data"),
        ("vnet-prod", "snet-app"),
        ("vnet-prod", "snet-agw"),
    }
    assert props("AzureSubnet", f"{NET}/virtualnetworks/vnet-prod/subnets/snet-data")["route_table_id"] == (
        f"{NET}/routetables/rt-data"
    )
    assert props("AzurePublicIPAddress", f"{NET}/publicipaddresses/pip-web-1")["ip_address"] == "20.61.10.5"
    assert ("rg-prod", "web-1") in rels("CONTAINS", "AzureResourceGroup", "AzureVirtualMachine")


def test_nsg_rules_default_rules_and_merged_fields(report: RunReport) -> None:
    rows = driver.read(
        "MATCH (r:AzureNetworkSecurityRule)-[:MEMBER_OF_AZURE_NSG]->(g {name: 'nsg-web-1-nic'}) "
        "RETURN r.name AS name, r.priority AS p, r.access AS a, r.is_default AS d, "
        "r.destination_ports AS ports, "
        "r.source_prefixes AS src, 'IpPermissionInbound' IN labels(r) AS inbound"
    )
    by = {r["name"]: r for r in rows}
    assert set(by) == {
        "deny-rdp-internet",
        "allow-ssh-and-postgres",
        "AllowVnetInBound",
        "AllowAzureLoadBalancerInBound",
        "DenyAllInBound",
        "AllowVnetOutBound",
        "AllowInternetOutBound",
        "DenyAllOutBound",
    }
    assert (by["allow-ssh-and-postgres"]["ports"], by["allow-ssh-and-postgres"]["src"]) == (
        ["22", "5432-5433"],
        ["*"],
    )
    assert (by["DenyAllInBound"]["p"], by["DenyAllInBound"]["d"], by["DenyAllInBound"]["inbound"]) == (
        65500,
        True,
        True,
    )
    assert by["AllowInternetOutBound"]["inbound"] is False
    corp = driver.read(
        "MATCH (r:AzureNetworkSecurityRule {name: 'allow-ssh-corp'}) RETURN r.source_prefixes AS s"
    )
    assert corp[0]["s"] == ["198.51.100.0/24", "203.0.113.0/24"]


def test_data_stores_identity_and_aks(report: RunReport) -> None:
    web = props("AzureStorageAccount", f"{RG}/providers/microsoft.storage/storageaccounts/contosopublicweb")
    assert (
        web["allow_blob_public_access"],
        web["supports_https_traffic_only"],
        web["minimum_tls_version"],
    ) == (True, False, "TLS1_0")
    assert (web.get("allow_shared_key_access"), web["public_containers"], web["network_default_action"]) == (
        None,
        1,
        "Allow",
    )
    assert ids("AzureStorageAccount", "name") == {
        "contosopublicweb",
        "contosocrownjewels",
        "contosodevsandbox",
    }
    assert rels("MEMBER_OF_AZURE_SQL_SERVER", "AzureSQLServerFirewallRule", "AzureSQLServer") == {
        ("AllowAllWindowsAzureIps", "sql-contoso-prod"),
        ("AllowAll", "sql-contoso-prod"),
        ("office", "sql-contoso-prod"),
    }
    kv = props("AzureKeyVault", KV)
    assert (kv["enable_purge_protection"], kv["public_network_access"], kv["properties_collected"]) == (
        False,
        "Enabled",
        True,
    )
    assert {"Secret"} <= set(driver.read("MATCH (k:AzureKeyVault) RETURN labels(k) AS l")[0]["l"])
    assert rels("RUNS_AS", "AzureVirtualMachine", "AzureManagedIdentity") == {("web-1", "id-web")}
    assert sorted(props("AzureVirtualMachine", VM_WEB)["identity_principal_ids"]) == sorted(
        ["5a6b7c8d-9e0f-4a1b-2c3d-4e5f6a7b8c9d", "7e8f9a0b-1c2d-4e3f-a4b5-c6d7e8f9a0b1"]
    )
    aks = props(
        "AzureKubernetesCluster", f"{RG}/providers/microsoft.containerservice/managedclusters/aks-prod"
    )
    assert (
        aks["private_cluster"],
        aks["authorized_ip_ranges"],
        aks["disable_local_accounts"],
        aks["enable_rbac"],
    ) == (False, [], False, True)
    assert aks["workload_identity_enabled"] is True and aks["oidc_issuer_url"].startswith(
        "https://westeurope.oic."
    )
    assert rels("KUBELET_RUNS_AS", "AzureKubernetesCluster", "AzureManagedIdentity") == {
        ("aks-prod", "aks-prod-agentpool")
    }


def test_role_assignments_definitions_and_inheritance(report: RunReport) -> None:
    owner = props("AzureRoleDefinition", OWNER)
    assert (owner["role_name"], owner["actions"], owner["role_type"]) == ("Owner", ["*"], "BuiltInRole")
    contributor = props("AzureRoleDefinition", ROLE + "b24988ac-6180-42a0-ab88-20f7382dd24c")
    assert "Microsoft.Authorization/*/Write" in contributor["not_actions"]
    # built-in roles listed by both subscriptions are one node each (Storage Blob Data Reader: prod only)
    assert len(ids("AzureRoleDefinition")) == 8
    rows = driver.read(
        "MATCH (a:AzureRoleAssignment)-[:ROLE_ASSIGNED]->(d:AzureRoleDefinition) "
        "RETURN a.role_definition_name AS role, d.role_name AS d, a.scope_level AS level, "
        "a.inherited AS inh, "
        "a.principal_type AS pt"
    )
    got = {(r["role"], r["level"], r["inh"], r["pt"]) for r in rows}
    assert ("Owner", "management_group", True, "User") in got
    assert ("User Access Administrator", "subscription", False, "User") in got
    assert ("Key Vault Secrets User", "resource", False, "ServicePrincipal") in got
    assert ("Reader", "root", True, "User") in got
    assert all(r["role"] == r["d"] for r in rows)
    # the inherited Owner appears in both subscriptions' lists: one node, owned by both
    inherited = driver.read(
        "MATCH (s:AzureSubscription)-[:RESOURCE]->(a:AzureRoleAssignment {role_definition_name: 'Owner'}) "
        "RETURN s.id AS s"
    )
    assert {r["s"] for r in inherited} == {PROD, DEV}
    assert rels("APPLIES_TO", "AzureRoleAssignment", "AzureManagementGroup", "role_definition_name") == {
        ("Owner", "mg-contoso")
    }
    assert ("Key Vault Secrets User", "kv-contoso-prod") in rels(
        "APPLIES_TO", "AzureRoleAssignment", "AzureKeyVault", "role_definition_name"
    )
    assert ("Contributor", "rg-prod") in rels(
        "APPLIES_TO", "AzureRoleAssignment", "AzureResourceGroup", "role_definition_name"
    )
    assert ("User Access Administrator", PROD) in rels(
        "APPLIES_TO", "AzureRoleAssignment", "AzureSubscription", "role_definition_name", "id"
    )
    assert rels(
        "HAS_ROLE_ASSIGNMENT", "AzureManagedIdentity", "AzureRoleAssignment", "name", "role_definition_name"
    ) == {("id-web", "Key Vault Secrets User"), ("id-orders", "Storage Blob Data Reader")}
    assert rels(
        "HAS_ROLE_ASSIGNMENT", "EntraUser", "AzureRoleAssignment", "user_type", "role_definition_name"
    ) == {(None, "Owner"), (None, "Reader"), ("Guest", "User Access Administrator")}


def findings() -> dict[str, set[str]]:
    """Every Azure control's failing asset ids on the current graph (real Neo4j, the production runner)."""
    controls = [c for c in load_catalogue() if c.id.startswith("azure_")]
    results = run_controls(controls, EvaluationTarget(None, 1795154400))
    assert not [r.error for r in results if r.status == "error"]
    return {r.control.id: {row["asset_id"] for row in r.rows} for r in results}


def test_controls_report_the_planted_tenant_faults(report: RunReport) -> None:
    """Done-when facts: the public storage account, the open NSG path to web-1, the inherited Owner and the
    guest administrator are reported; the shadowed SSH allow (nsg-jump) and the locked-down account are
    not."""
    got = findings()
    public = f"{RG}/providers/microsoft.storage/storageaccounts/contosopublicweb"
    assert got["azure_storage_account_blob_public_access_enabled"] == {public}
    assert got["azure_storage_account_public_container"] == {public}
    assert got["azure_storage_account_https_not_required"] == {public}
    assert got["azure_storage_account_minimum_tls_below_1_2"] == {public}
    assert got["azure_storage_account_shared_key_access_enabled"] == {public}
    # nsg-jump's SSH allows are shadowed by its Internet deny at priority 100: not reported
    assert got["azure_network_nsg_ssh_open_to_internet"] == {
        f"{NET}/networksecuritygroups/nsg-web-subnet",
        f"{NET}/networksecuritygroups/nsg-web-1-nic",
    }
    # nsg-web-1-nic denies RDP from the Internet; the subnet NSG allows it (both apply: exposure's concern).
    assert got["azure_network_nsg_rdp_open_to_internet"] == {f"{NET}/networksecuritygroups/nsg-web-subnet"}
    assert got["azure_network_nsg_database_port_open_to_internet"] == {
        f"{NET}/networksecuritygroups/nsg-web-1-nic"
    }
    assert got["azure_vm_public_ip"] == {VM_WEB, VM_WEB.replace("web-1", "jump-1")}
    assert got["azure_sql_server_firewall_allows_all"] == {
        f"{RG}/providers/microsoft.sql/servers/sql-contoso-prod"
    }
    assert got["azure_keyvault_purge_protection_disabled"] == {KV}
    assert got["azure_keyvault_public_network_access_enabled"] == {KV}
    aks = f"{RG}/providers/microsoft.containerservice/managedclusters/aks-prod"
    assert (
        got["azure_aks_cluster_api_public_unrestricted"]
        == got["azure_aks_cluster_local_accounts_enabled"]
        == {aks}
    )
    assert got["azure_aks_cluster_rbac_disabled"] == set()
    assert got["azure_iam_custom_role_wildcard_actions"] == {ROLE + "d1c2b3a4-9e8f-4a7b-8c6d-5e4f3a2b1c0d"}
    privileged = got["azure_iam_privileged_role_on_subscription_to_user"]
    assert {a.rsplit("/", 1)[-1] for a in privileged} == {
        "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",  # Owner inherited from mg-contoso
        "b1c2d3e4-f5a6-4b7c-9d8e-0f1a2b3c4d5e",  # guest UAA on the subscription
    }
    assert got["azure_iam_guest_with_privileged_role"] == {"c2d3e4f5-a6b7-4c8d-9e0f-1a2b3c4d5e6f"}


def test_exposure_nsg_precedence_and_the_identity_hop_to_key_vault(report: RunReport) -> None:
    """web-1: the NIC NSG lets 22 and 5432-5433 in from '*', the subnet NSG 22, 443 and 3389 from the
    internet: both apply, so only 22/tcp. jump-1: its NSG denies 22 from the Internet at 100 before the
    '*' allow at 200 (the corp range is not the internet): not exposed. db-1 has no public IP. web-1 runs as
    id-web, which reads kv-contoso-prod through Key Vault Secrets User."""
    g, _ = build()
    direct = {k for k, es in g.exposed.items() if any(e.type == "direct" for e in es)}
    assert {k for k in direct if "/virtualmachines/" in k} == {VM_WEB}  # LB / gateway backends: test_azure_lb
    (entry,) = g.exposed[VM_WEB]
    assert entry.ports == ["22/tcp"] and "20.61.10.5" in entry.reason
    public = f"{RG}/providers/microsoft.storage/storageaccounts/contosopublicweb"
    sql = f"{RG}/providers/microsoft.sql/servers/sql-contoso-prod"
    assert {public, sql} <= set(g.exposed)
    assert (VM_WEB, ID_WEB, RUNS_AS) in g.hops
    hop = g.hops[(ID_WEB, KV, DATA_ACCESS)]
    assert hop.access == "read" and "Key Vault Secrets User" in hop.reason


def test_nsg_evaluation_first_match_wins_and_deny_above_allow() -> None:
    def r(
        name: str, prio: int, access: str, src: str, ports: list[str], proto: str = "Tcp"
    ) -> dict[str, Any]:
        return {
            "nsg_name": "n",
            "name": name,
            "priority": prio,
            "access": access,
            "protocol": proto,
            "sources": [src],
            "ports": ports,
        }

    default = [
        r("DenyAllInBound", 65500, "Deny", "*", ["*"], "*"),
        r("lb", 65001, "Allow", "AzureLoadBalancer", ["*"], "*"),
    ]
    allowed, _ = nsg_allowed(
        [r("deny", 100, "Deny", "Internet", ["22"]), r("allow", 200, "Allow", "*", ["20-25"]), *default]
    )
    assert allowed == {"tcp": [(20, 21), (23, 25)], "udp": []}
    allowed, _ = nsg_allowed(
        [r("allow", 100, "Allow", "0.0.0.0/0", ["*"], "*"), r("deny", 200, "Deny", "*", ["22"])]
    )
    assert allowed == {"tcp": [(0, 65535)], "udp": [(0, 65535)]}  # the later deny never matches
    allowed, _ = nsg_allowed(
        [
            r("corp", 100, "Allow", "203.0.113.0/24", ["22"]),
            r("vnet", 110, "Allow", "VirtualNetwork", ["*"]),
            *default,
        ]
    )
    assert allowed == {"tcp": [], "udp": []}


def _copy(tmp: Path) -> Path:
    shutil.copytree(DAY1, tmp)
    return tmp


def test_bad_file_fails_its_module_and_missing_keeps_data(neo4j: str, tmp_path: Path) -> None:
    """A second run with a broken NSG file and no VM file: the NSG module fails naming the file, VMs are not
    collected, and both keep their nodes; a storage account with no id is skipped and named (partial)."""
    with pytest.MonkeyPatch.context() as mp:
        _modules_only_azure(mp)
        first = ingest_snapshot(DAY1)
        assert "failed" not in statuses(first).values()
        snap = _copy(tmp_path / "s")
        sub = snap / "azure" / T / PROD
        (sub / "network" / "nsg-list.json").write_text('{"value": []}')
        (sub / "vm" / "list.json").unlink()
        accounts = json.loads((sub / "storage" / "account-list.json").read_text())
        del accounts[1]["id"]
        (sub / "storage" / "account-list.json").write_text(json.dumps(accounts))
        meta = json.loads((snap / "snapshot.json").read_text())
        (snap / "snapshot.json").write_text(
            json.dumps({"collected_at": meta["collected_at"].replace("20T", "21T")})
        )
        second = ingest_snapshot(snap)
    st = statuses(second)
    assert st[f"{T}/{PROD} azure.nsgs"] == "failed"
    nsg_errors = next(m.errors for m in second.modules if m.scope == f"{T}/{PROD}" and m.name == "azure.nsgs")
    assert "nsg-list.json" in nsg_errors[0] and "expected a JSON array" in nsg_errors[0]
    assert st[f"{T}/{PROD} azure.vms"] == "not collected"
    assert st[f"{T}/{PROD} azure.storage"] == "partial"
    assert ids("AzureVirtualMachine", "name") == {"web-1", "jump-1", "db-1", *LB_VMS}
    assert "nsg-jump" in ids("AzureNetworkSecurityGroup", "name")
    assert "contosocrownjewels" in ids("AzureStorageAccount", "name")  # partial: no cleanup
