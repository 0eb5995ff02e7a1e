"""`invgraph collect azure` for load balancers, application gateways and route tables: real SDK model objects
built from REST payloads (ARM's nested ``properties``) go through the writer, and the offline transforms read
the files it writes — backend addresses without an id included (az flattens them too)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from azure.mgmt.network.models import ApplicationGateway, LoadBalancer, RouteTable

from graph.schema.azure.loadbalancing import (
    AZURE_AGW_RULE,
    AZURE_LB_BACKEND_POOL,
    AZURE_LB_RULE,
    AZURE_ROUTE_TABLE,
)
from ingest.azure import application_gateways, load_balancers, route_tables
from ingest.azure.collect import AzureCollectReport, Writer, collect_subscription
from ingest.azure.subresources import transform_each
from ingest.module import Scope
from ingest.sources.snapshot import Snapshot
from tests.unit.test_azure_collect import _clients

SUB = "8c1f9a2e-4b3d-4e5f-a6b7-c8d9e0f1a2b3"
NET = f"/subscriptions/{SUB}/resourceGroups/rg-prod/providers/Microsoft.Network"
LB, AGW = f"{NET}/loadBalancers/lb1", f"{NET}/applicationGateways/agw1"
CFG = f"{NET}/networkInterfaces/app-nic/ipConfigurations/ipconfig1"


def _rest() -> tuple[Any, Any, Any]:
    lb = LoadBalancer(
        {
            "id": LB,
            "name": "lb1",
            "location": "westeurope",
            "sku": {"name": "Standard"},
            "properties": {
                "frontendIPConfigurations": [
                    {
                        "id": f"{LB}/frontendIPConfigurations/fe",
                        "name": "fe",
                        "properties": {"publicIPAddress": {"id": f"{NET}/publicIPAddresses/pip"}},
                    }
                ],
                "backendAddressPools": [
                    {
                        "id": f"{LB}/backendAddressPools/pool",
                        "name": "pool",
                        "properties": {
                            "loadBalancerBackendAddresses": [
                                {
                                    "name": "addr1",
                                    "properties": {
                                        "ipAddress": "10.0.1.4",
                                        "networkInterfaceIPConfiguration": {"id": CFG},
                                    },
                                }
                            ]
                        },
                    }
                ],
                "loadBalancingRules": [
                    {
                        "id": f"{LB}/loadBalancingRules/https",
                        "name": "https",
                        "properties": {
                            "frontendIPConfiguration": {"id": f"{LB}/frontendIPConfigurations/fe"},
                            "backendAddressPool": {"id": f"{LB}/backendAddressPools/pool"},
                            "protocol": "Tcp",
                            "frontendPort": 443,
                            "backendPort": 8443,
                        },
                    }
                ],
            },
        }
    )
    gw = ApplicationGateway(
        {
            "id": AGW,
            "name": "agw1",
            "location": "westeurope",
            "properties": {
                "sku": {"name": "WAF_v2", "tier": "WAF_v2"},
                "firewallPolicy": {"id": f"{NET}/ApplicationGatewayWebApplicationFirewallPolicies/p"},
                "gatewayIPConfigurations": [
                    {
                        "id": f"{AGW}/gatewayIPConfigurations/gw",
                        "name": "gw",
                        "properties": {"subnet": {"id": f"{NET}/virtualNetworks/v/subnets/agw"}},
                    }
                ],
                "frontendIPConfigurations": [
                    {
                        "id": f"{AGW}/frontendIPConfigurations/pub",
                        "name": "pub",
                        "properties": {"publicIPAddress": {"id": f"{NET}/publicIPAddresses/pip2"}},
                    }
                ],
                "frontendPorts": [
                    {"id": f"{AGW}/frontendPorts/p443", "name": "p443", "properties": {"port": 443}}
                ],
                "backendAddressPools": [
                    {
                        "id": f"{AGW}/backendAddressPools/pool",
                        "name": "pool",
                        "properties": {"backendAddresses": [{"fqdn": "api.internal.example"}]},
                    }
                ],
                "backendHttpSettingsCollection": [
                    {
                        "id": f"{AGW}/backendHttpSettingsCollection/s",
                        "name": "s",
                        "properties": {"port": 8080, "protocol": "Http"},
                    }
                ],
                "httpListeners": [
                    {
                        "id": f"{AGW}/httpListeners/l",
                        "name": "l",
                        "properties": {
                            "frontendIPConfiguration": {"id": f"{AGW}/frontendIPConfigurations/pub"},
                            "frontendPort": {"id": f"{AGW}/frontendPorts/p443"},
                            "protocol": "Https",
                        },
                    }
                ],
                "requestRoutingRules": [
                    {
                        "id": f"{AGW}/requestRoutingRules/r",
                        "name": "r",
                        "properties": {
                            "ruleType": "Basic",
                            "priority": 10,
                            "httpListener": {"id": f"{AGW}/httpListeners/l"},
                            "backendAddressPool": {"id": f"{AGW}/backendAddressPools/pool"},
                            "backendHttpSettings": {"id": f"{AGW}/backendHttpSettingsCollection/s"},
                        },
                    }
                ],
            },
        }
    )
    rt = RouteTable(
        {
            "id": f"{NET}/routeTables/rt",
            "name": "rt",
            "location": "westeurope",
            "properties": {
                "routes": [
                    {
                        "id": f"{NET}/routeTables/rt/routes/default",
                        "name": "default",
                        "properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "None"},
                    }
                ],
                "subnets": [{"id": f"{NET}/virtualNetworks/v/subnets/data"}],
            },
        }
    )
    return lb, gw, rt


def test_collected_files_read_back_through_the_transforms(tmp_path: Path) -> None:
    lb, gw, rt = _rest()
    report = AzureCollectReport("t", "2026-11-20T06:00:00+00:00")
    clients = _clients()  # the other commands' stand-ins (test_azure_collect.py)
    clients.network.load_balancers = SimpleNamespace(list_all=lambda: [lb])
    clients.network.application_gateways = SimpleNamespace(list_all=lambda: [gw])
    clients.network.route_tables = SimpleNamespace(list_all=lambda: [rt])
    collect_subscription(Writer(tmp_path, "t", report), SUB, clients)
    assert report.errors == []
    folder = tmp_path / "azure" / "t" / SUB / "network"
    written = json.loads((folder / "lb-list.json").read_text())
    assert "properties" not in written[0] and "properties" not in written[0]["backendAddressPools"][0]
    snap, scope = Snapshot(tmp_path), Scope("t", SUB)

    def rows(module: Any, command: str) -> dict[Any, list[dict[str, Any]]]:
        items = json.loads((folder / f"{command}.json").read_text())
        out = transform_each(snap, scope, "network", command, module._rows)(items)
        assert out.errors == []
        return out.rows

    got = rows(load_balancers, "lb-list")
    (pool,) = got[AZURE_LB_BACKEND_POOL]
    assert pool["nic_ids"] == [CFG.lower().rsplit("/ipconfigurations/", 1)[0]]
    assert pool["ip_addresses"] == ["10.0.1.4"]
    (rule,) = got[AZURE_LB_RULE]
    assert (rule["frontend_port"], rule["backend_port"], rule["backend_pool_ids"]) == (
        443,
        8443,
        [f"{LB}/backendAddressPools/pool".lower()],
    )
    got = rows(application_gateways, "application-gateway-list")
    (agw_rule,) = got[AZURE_AGW_RULE]
    assert (agw_rule["listener_port"], agw_rule["backend_ports"], agw_rule["listener_protocol"]) == (
        443,
        ["8080"],
        "Https",
    )
    gateway = next(iter(got.values()))[0]
    assert gateway["waf_enabled"] is True and gateway["subnet_id"].endswith("/subnets/agw")
    (table,) = rows(route_tables, "route-table-list")[AZURE_ROUTE_TABLE]
    assert table["default_next_hop_type"] == "None" and table["subnet_ids"][0].endswith("/subnets/data")
