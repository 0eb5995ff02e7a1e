"""Load balancers (``network lb list``): the balancer, its frontend IP configurations (→ public IP), backend
pools (→ NICs, from ``backendIPConfigurations`` and from the NIC ip configuration an IP-based pool's
``loadBalancerBackendAddresses`` resolve to), load-balancing rules and inbound NAT rules (a v1 rule names one
NIC ip configuration; a v2 rule a frontend port range and a backend pool). Loads after NICs and public IPs
(it MATCHes them)."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.loadbalancing import (
    AZURE_LB_BACKEND_POOL,
    AZURE_LB_FRONTEND_IP,
    AZURE_LB_INBOUND_NAT_RULE,
    AZURE_LB_RULE,
    AZURE_LOAD_BALANCER,
)
from ingest.azure.common import Item, base, ref, sync_azure
from ingest.azure.subresources import children, getter, nic_of, port, refs, transform_each
from ingest.core import ModuleResult, RunContext
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

SCHEMAS = (
    AZURE_LOAD_BALANCER,
    AZURE_LB_FRONTEND_IP,
    AZURE_LB_BACKEND_POOL,
    AZURE_LB_RULE,
    AZURE_LB_INBOUND_NAT_RULE,
)


def _child(item: Item, lb: dict[str, Any]) -> dict[str, Any]:
    return {
        **base(item),
        "location": lb["location"],
        "load_balancer_id": lb["id"],
        "protocol": item.get("protocol"),
        "frontend_ip_id": ref(item.get("frontendIPConfiguration")),
    }


def _pool(item: Item, lb: dict[str, Any]) -> dict[str, Any]:
    configs = refs(item.get("backendIPConfigurations"))
    addresses = [a for a in item.get("loadBalancerBackendAddresses") or [] if isinstance(a, dict)]
    configs = sorted(set(configs) | set(refs(a.get("networkInterfaceIPConfiguration") for a in addresses)))
    return {
        **base(item),
        "location": lb["location"],
        "load_balancer_id": lb["id"],
        "ip_configuration_ids": configs,
        "nic_ids": sorted({n for c in configs if (n := nic_of(c))}),
        "ip_addresses": sorted({a["ipAddress"] for a in addresses if a.get("ipAddress")}),
    }


def _rows(item: Item) -> dict[Any, list[Any]]:
    lb = base(item)
    sku = item.get("sku") or {}
    lb.update(
        sku_name=sku.get("name"),
        sku_tier=sku.get("tier"),
        provisioning_state=item.get("provisioningState"),
        inbound_nat_pools=item.get("inboundNatPools") or None,
    )
    fronts = [
        {
            **base(f),
            "location": lb["location"],
            "load_balancer_id": lb["id"],
            "private_ip_address": f.get("privateIPAddress"),
            "public_ip_address_id": ref(f.get("publicIPAddress")),
            "subnet_id": ref(f.get("subnet")),
        }
        for _, f in children(item, "frontendIPConfigurations")
    ]
    pools = [_pool(p, lb) for _, p in children(item, "backendAddressPools")]
    rules = []
    for _, r in children(item, "loadBalancingRules"):
        pool_refs = refs(r.get("backendAddressPools")) or refs([r.get("backendAddressPool")])
        rules.append(
            {
                **_child(r, lb),
                "frontend_port": port(r.get("frontendPort")),
                "backend_port": port(r.get("backendPort")),
                "backend_pool_ids": pool_refs,
                "probe_id": ref(r.get("probe")),
                "enable_floating_ip": r.get("enableFloatingIP"),
            }
        )
    nats = []
    for _, r in children(item, "inboundNatRules"):
        config = ref(r.get("backendIPConfiguration"))
        nats.append(
            {
                **_child(r, lb),
                "frontend_port": port(r.get("frontendPort")),
                "frontend_port_range_start": port(r.get("frontendPortRangeStart")),
                "frontend_port_range_end": port(r.get("frontendPortRangeEnd")),
                "backend_port": port(r.get("backendPort")),
                "backend_ip_configuration_id": config,
                "nic_ids": [n] if (n := nic_of(config)) else [],
                "backend_pool_id": ref(r.get("backendAddressPool")),
            }
        )
    return {
        AZURE_LOAD_BALANCER: [lb],
        AZURE_LB_FRONTEND_IP: fronts,
        AZURE_LB_BACKEND_POOL: pools,
        AZURE_LB_RULE: rules,
        AZURE_LB_INBOUND_NAT_RULE: nats,
    }


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(
        MODULE,
        snap,
        ctx,
        scope,
        getter(snap, scope, "network", "lb-list"),
        transform_each(snap, scope, "network", "lb-list", _rows),
    )


MODULE = Module("azure", "load_balancers", sync, SCHEMAS, regional=True)
