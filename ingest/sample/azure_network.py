"""The sample tenant's load balancer and route table, per subscription (the shapes of
tests/data/snapshots/handwritten-azure ``network/lb-list.json`` / ``route-table-list.json``).

Every subscription has ``lb-app<i>`` on a public IP: rule ``https`` (443 → 443) and inbound NAT rule
``ssh-web-1`` (50022 → 22) to ``web-1``. Only the planted subscription's subnet NSG admits SSH from the
internet, so there the NAT rule reaches web-1 (which its own public IP exposes too); elsewhere nothing is
admitted and the balancer is not exposed. ``rt-app<i>`` sends ``0.0.0.0/0`` to the internet (no note).
No application gateways: their lists are written empty (collected, none).
"""

from __future__ import annotations

from typing import Any

from ingest.sample.azure_shapes import Files, res


def network_files(prefix: str, net: str, rg: str, i: int, nic_cfg: str, snet: str) -> tuple[Files, dict]:
    """``(files, the load balancer's public IP resource)`` for one subscription."""
    lb, pip = f"{net}/loadBalancers/lb-app{i}", f"{net}/publicIPAddresses/pip-lb-app{i}"
    fe, pool = f"{lb}/frontendIPConfigurations/fe-public", f"{lb}/backendAddressPools/pool-web"

    def sub(kind: str, name: str, **props: Any) -> dict[str, Any]:
        return res(f"{lb}/{kind}/{name}", name, rg, f"Microsoft.Network/loadBalancers/{kind}", **props) | {
            "provisioningState": "Succeeded"
        }

    balancer = res(
        lb,
        f"lb-app{i}",
        rg,
        "Microsoft.Network/loadBalancers",
        sku={"name": "Standard", "tier": "Regional"},
        frontendIPConfigurations=[
            sub("frontendIPConfigurations", "fe-public", publicIPAddress={"id": pip, "resourceGroup": rg})
        ],
        backendAddressPools=[
            sub(
                "backendAddressPools",
                "pool-web",
                backendIPConfigurations=[{"id": nic_cfg, "resourceGroup": rg}],
            )
        ],
        loadBalancingRules=[
            sub(
                "loadBalancingRules",
                "https",
                protocol="Tcp",
                frontendPort=443,
                backendPort=443,
                enableFloatingIP=False,
                frontendIPConfiguration={"id": fe, "resourceGroup": rg},
                backendAddressPool={"id": pool, "resourceGroup": rg},
                backendAddressPools=[{"id": pool, "resourceGroup": rg}],
            )
        ],
        inboundNatRules=[
            sub(
                "inboundNatRules",
                "ssh-web-1",
                protocol="Tcp",
                frontendPort=50022,
                backendPort=22,
                enableFloatingIP=False,
                frontendIPConfiguration={"id": fe, "resourceGroup": rg},
                backendIPConfiguration={"id": nic_cfg, "resourceGroup": rg},
            )
        ],
        inboundNatPools=[],
        probes=[],
        outboundRules=[],
        provisioningState="Succeeded",
    )
    table = f"{net}/routeTables/rt-app{i}"
    route_table = res(
        table,
        f"rt-app{i}",
        rg,
        "Microsoft.Network/routeTables",
        disableBgpRoutePropagation=False,
        routes=[
            res(f"{table}/routes/default", "default", rg, "Microsoft.Network/routeTables/routes")
            | {"addressPrefix": "0.0.0.0/0", "nextHopType": "Internet", "location": None}
        ],
        subnets=[{"id": snet, "resourceGroup": rg}],
    )
    public_ip = res(
        pip,
        f"pip-lb-app{i}",
        rg,
        "Microsoft.Network/publicIPAddresses",
        ipAddress=f"20.62.{i // 250}.{i % 250 + 1}",
        publicIPAllocationMethod="Static",
        ipConfiguration={"id": fe, "resourceGroup": rg},
        sku={"name": "Standard"},
    )
    files: Files = {
        f"{prefix}/network/lb-list.json": [balancer],
        f"{prefix}/network/route-table-list.json": [route_table],
        f"{prefix}/network/application-gateway-list.json": [],
    }
    return files, public_ip
