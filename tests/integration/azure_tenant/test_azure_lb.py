"""Azure load balancers, application gateways and route tables (and blob service properties) on a real
Neo4j, from the hand-written tenant (unmodified ``az network lb|application-gateway|route-table list``
shapes): the graph they add, exposure through an LB rule and a gateway listener with the backends' NSGs,
and the bad-input / not-collected rules.

The planted facts (rg-prod, vnet-prod): lb-web (public 20.61.20.10) balances 443 → 443 to app-1 and app-2 and
NATs 50001 → 22 to app-1. app-1 sits in snet-app, whose NSG admits 443 from the Internet but not 22, and
whose route table sends 0.0.0.0/0 to an appliance; app-2's own NSG denies 443. agw-web (public 20.61.20.20)
listens on 443 and 80 — its subnet's NSG admits 443 only — and forwards to api-1:8080, which the subnet NSG
admits only through its default VirtualNetwork rule.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.exposure.azure_lb import from_subnet
from analysis.exposure.compute import build
from analysis.exposure.model import INTERNET, INTERNET_TO_ASSET, LB_TARGET
from config import set_settings
from graph import driver
from ingest.azure.subresources import nic_of
from pipeline.run import RunReport, ingest_snapshot
from tests.conftest import _wipe
from tests.integration.azure_tenant.test_azure_ingest import (
    DAY1,
    NET,
    PROD,
    RG,
    T,
    _modules_only_azure,
    findings,
    ids,
    props,
    rels,
    statuses,
)

VM = f"{RG}/providers/microsoft.compute/virtualmachines/"
LB = f"{NET}/loadbalancers/lb-web"
AGW = f"{NET}/applicationgateways/agw-web"


@pytest.fixture(scope="module")
def report(neo4j_uri: str) -> Iterator[RunReport]:
    set_settings(None)
    _wipe()
    with pytest.MonkeyPatch.context() as mp:
        _modules_only_azure(mp)
        yield ingest_snapshot(DAY1)


def test_modules_ok_in_both_subscriptions(report: RunReport) -> None:
    st = statuses(report)
    for sub in (PROD, "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"):  # dev: empty lists = collected, none exist
        for module in ("load_balancers", "application_gateways", "route_tables"):
            assert st[f"{T}/{sub} azure.{module}"] == "ok"
    assert report.skipped == [] and report.exit_code == 0


def test_load_balancer_graph(report: RunReport) -> None:
    lb = props("AzureLoadBalancer", LB)
    assert (lb["sku_name"], lb["resourcegroup"], lb["subscription_id"]) == ("Standard", "rg-prod", PROD)
    assert "LoadBalancer" in driver.read("MATCH (n:AzureLoadBalancer) RETURN labels(n) AS l")[0]["l"]
    assert rels("CONTAINS", "AzureLoadBalancer", "AzureLoadBalancerFrontendIPConfiguration") == {
        ("lb-web", "fe-public")
    }
    assert rels("ASSOCIATED_WITH", "AzureLoadBalancerFrontendIPConfiguration", "AzurePublicIPAddress") == {
        ("fe-public", "pip-lb-web")
    }
    assert rels("ROUTES_TO", "AzureLoadBalancerBackendPool", "AzureNetworkInterface") == {
        ("pool-app", "app-1-nic"),
        ("pool-app", "app-2-nic"),
    }
    rule = props("AzureLoadBalancerRule", f"{LB}/loadbalancingrules/https")
    assert (rule["protocol"], rule["frontend_port"], rule["backend_port"]) == ("Tcp", 443, 443)
    assert rule["probe_id"] == f"{LB}/probes/probe-https"
    assert rels("USES_FRONTEND_IP", "AzureLoadBalancerRule", "AzureLoadBalancerFrontendIPConfiguration") == {
        ("https", "fe-public")
    }
    assert rels("ROUTES_TO", "AzureLoadBalancerRule", "AzureLoadBalancerBackendPool") == {
        ("https", "pool-app")
    }
    nat = props("AzureLoadBalancerInboundNatRule", f"{LB}/inboundnatrules/ssh-app-1")
    assert (nat["frontend_port"], nat["backend_port"]) == (50001, 22)
    assert rels("ROUTES_TO", "AzureLoadBalancerInboundNatRule", "AzureNetworkInterface") == {
        ("ssh-app-1", "app-1-nic")
    }
    # the NIC → VM link already existed: backend pool → NIC → VM is one walk
    walk = driver.read(
        "MATCH (:AzureLoadBalancer {id: $id})-[:CONTAINS]->(:AzureLoadBalancerBackendPool)-[:ROUTES_TO]->"
        "(:AzureNetworkInterface)-[:ATTACHED_TO]->(v:AzureVirtualMachine) RETURN collect(v.name) AS vms",
        {"id": LB},
    )
    assert sorted(walk[0]["vms"]) == ["app-1", "app-2"]


def test_application_gateway_graph(report: RunReport) -> None:
    gw = props("AzureApplicationGateway", AGW)
    assert (gw["sku_tier"], gw["operational_state"], gw["waf_enabled"], gw.get("firewall_policy_id")) == (
        "Standard_v2",
        "Running",
        False,
        None,
    )
    assert rels("IN_SUBNET", "AzureApplicationGateway", "AzureSubnet") == {("agw-web", "snet-agw")}
    assert rels(
        "ASSOCIATED_WITH", "AzureApplicationGatewayFrontendIPConfiguration", "AzurePublicIPAddress"
    ) == {("appGwPublicFrontendIp", "pip-agw-web")}
    assert rels("IN_SUBNET", "AzureApplicationGatewayFrontendIPConfiguration", "AzureSubnet") == {
        ("appGwPrivateFrontendIp", "snet-agw")
    }
    pool = props("AzureApplicationGatewayBackendPool", f"{AGW}/backendaddresspools/pool-api")
    assert (pool["ip_addresses"], pool["nic_ids"]) == (["10.10.3.6"], [f"{NET}/networkinterfaces/api-1-nic"])
    assert rels("ROUTES_TO", "AzureApplicationGatewayBackendPool", "AzureNetworkInterface") == {
        ("pool-api", "api-1-nic")
    }
    rules = driver.read(
        "MATCH (r:AzureApplicationGatewayRule) RETURN r.name AS n, r.listener_port AS p, "
        "r.listener_protocol AS lp, r.backend_ports AS bp, r.priority AS prio"
    )
    assert {(r["n"], r["p"], r["lp"], tuple(r["bp"]), r["prio"]) for r in rules} == {
        ("rule-https", 443, "Https", ("8080",), 100),
        ("rule-http", 80, "Http", ("8080",), 200),
    }
    assert rels("ROUTES_TO", "AzureApplicationGatewayRule", "AzureApplicationGatewayBackendPool") == {
        ("rule-https", "pool-api"),
        ("rule-http", "pool-api"),
    }


def test_route_tables_graph(report: RunReport) -> None:
    assert rels("ASSOCIATED_WITH", "AzureSubnet", "AzureRouteTable") == {
        ("snet-data", "rt-data"),
        ("snet-app", "rt-app"),
    }
    app = props("AzureRouteTable", f"{NET}/routetables/rt-app")
    assert (app["default_next_hop_type"], app["default_next_hop_ip"]) == ("VirtualAppliance", "10.10.9.4")
    assert props("AzureRouteTable", f"{NET}/routetables/rt-data")["default_next_hop_type"] == "None"
    assert rels("ROUTE", "AzureRouteTable", "AzureRoute") == {("rt-data", "default"), ("rt-app", "default")}
    route = props("AzureRoute", f"{NET}/routetables/rt-app/routes/default")
    assert (route["address_prefix"], route["next_hop_type"]) == ("0.0.0.0/0", "VirtualAppliance")


def test_exposure_through_the_load_balancer_and_the_gateway(report: RunReport) -> None:
    g, _ = build()
    app1, app2, api1 = VM + "app-1", VM + "app-2", VM + "api-1"
    # app-1 has no public IP: the internet reaches it only through lb-web (443; the NAT rule to 22 is denied)
    (entry,) = g.exposed[app1]
    assert (entry.type, entry.ports) == ("azure-lb", ["443/tcp"])
    assert "lb-web rule https (20.61.20.10:443/tcp → backend port 443)" in entry.reason
    assert "nsg-app allows 443/tcp" in entry.reason
    assert "rt-app sends 0.0.0.0/0 to VirtualAppliance 10.10.9.4" in entry.reason
    assert g.hops[(LB, app1, LB_TARGET)].ports == ["443/tcp"]
    assert (INTERNET, app1, INTERNET_TO_ASSET) not in g.hops
    # app-2's NIC NSG denies 443 from the Internet above everything: not exposed, no hop
    assert app2 not in g.exposed and (LB, app2, LB_TARGET) not in g.hops
    (lb,) = g.exposed[LB]
    assert lb.ports == ["443/tcp"] and "rule https" in lb.reason and "ssh-app-1" not in lb.reason
    # the gateway: 443 admitted by its subnet NSG, 80 not
    assert {tuple(e.ports) for e in g.exposed[AGW]} == {("443/tcp",)}
    assert "listener of rule rule-https on 20.61.20.20:443" in g.exposed[AGW][0].reason
    # api-1: reached from the gateway's subnet on 8080 through nsg-app's default AllowVnetInBound
    (api,) = g.exposed[api1]
    assert (api.type, api.ports) == ("azure-app-gateway", ["8080/tcp"])
    assert "AllowVnetInBound" in api.reason and "agw-web rule rule-https" in api.reason
    assert (AGW, api1, LB_TARGET) in g.hops


def test_blob_service_properties(report: RunReport) -> None:
    uses = rels("USES", "AzureStorageAccount", "AzureStorageBlobService", a="id", b="storage_account_id")
    assert {a for a, b in uses if a == b} == {
        f"/subscriptions/{sub}/resourcegroups/{group}/providers/microsoft.storage/storageaccounts/{name}"
        for sub, group, name in (
            (PROD, "rg-prod", "contosopublicweb"),
            (PROD, "rg-prod", "contosocrownjewels"),
            ("1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a", "rg-dev", "contosodevsandbox"),
        )
    } and len(uses) == 3
    jewels = props(
        "AzureStorageBlobService",
        f"{RG}/providers/microsoft.storage/storageaccounts/contosocrownjewels/blobservices/default",
    )
    assert (
        jewels["delete_retention_enabled"],
        jewels["delete_retention_days"],
        jewels["container_delete_retention_days"],
        jewels["versioning_enabled"],
        jewels["change_feed_enabled"],
    ) == (True, 14, 14, True, True)
    web = props(
        "AzureStorageBlobService",
        f"{RG}/providers/microsoft.storage/storageaccounts/contosopublicweb/blobservices/default",
    )
    # soft delete off; the container policy absent from az's output stays null (unknown, not false)
    assert (web["delete_retention_enabled"], web.get("container_delete_retention_enabled")) == (False, None)


def test_waf_control_reports_the_public_gateway_without_waf(report: RunReport) -> None:
    assert findings()["azure_network_application_gateway_waf_disabled"] == {AGW}


def test_gateway_source_matching_and_nic_of() -> None:
    admits = from_subnet(["10.10.4.0/24"])
    assert admits(["VirtualNetwork"]) and admits(["*"]) and admits(["10.10.0.0/16"]) and admits(["0.0.0.0/0"])
    assert not admits(["Internet"]) and not admits(["10.10.4.0/25"]) and not admits(["AzureLoadBalancer"])
    base = "/subscriptions/s/resourcegroups/g/providers/microsoft.network/networkinterfaces/n"
    assert nic_of(f"{base}/ipconfigurations/ipconfig1") == base
    scale_set = (
        "/subscriptions/s/resourcegroups/g/providers/microsoft.compute/virtualmachinescalesets/v/"
        "virtualmachines/0/networkinterfaces/n/ipconfigurations/c"
    )
    assert nic_of(scale_set) is None and nic_of(None) is None


def test_bad_frontend_and_missing_route_tables(neo4j: str, tmp_path: Path) -> None:
    """A frontend without an id skips its load balancer with one error naming the file and the field (the
    other balancer loads, old data stays: partial, no cleanup); a missing route-table file is not collected
    and keeps the tables."""
    with pytest.MonkeyPatch.context() as mp:
        _modules_only_azure(mp)
        assert "failed" not in statuses(ingest_snapshot(DAY1)).values()
        snap = tmp_path / "s"
        shutil.copytree(DAY1, snap)
        net = snap / "azure" / T / PROD / "network"
        (lb,) = json.loads((net / "lb-list.json").read_text())
        other = json.loads(json.dumps(lb).replace("lb-web", "lb-edge"))
        del lb["frontendIPConfigurations"][0]["id"]
        (net / "lb-list.json").write_text(json.dumps([lb, other]))
        (net / "route-table-list.json").unlink()
        blob = snap / "azure" / T / PROD / "storage" / "account-blob-service-properties-show"
        (blob / "contosopublicweb.json").unlink()  # that account's settings: not collected this time
        meta = json.loads((snap / "snapshot.json").read_text())
        (snap / "snapshot.json").write_text(
            json.dumps({"collected_at": meta["collected_at"].replace("20T", "21T")})
        )
        second = ingest_snapshot(snap)
    st = statuses(second)
    assert st[f"{T}/{PROD} azure.load_balancers"] == "partial"
    assert st[f"{T}/{PROD} azure.route_tables"] == "not collected"
    (error,) = next(m.errors for m in second.modules if m.name == "azure.load_balancers" and PROD in m.scope)
    assert "lb-list.json[0]" in error and "frontendIPConfigurations[0] has no id" in error
    assert second.exit_code == 2
    assert ids("AzureLoadBalancer", "name") == {"lb-web", "lb-edge"}
    assert ("lb-edge", "fe-public") in rels(
        "CONTAINS", "AzureLoadBalancer", "AzureLoadBalancerFrontendIPConfiguration"
    )
    assert ids("AzureRouteTable", "name") == {"rt-data", "rt-app"}
    # one account's blob settings missing: the module is ok but runs no cleanup, so the old node stays
    assert st[f"{T}/{PROD} azure.blob_services"] == "ok"
    assert any("contosopublicweb" in i for i in ids("AzureStorageBlobService"))
