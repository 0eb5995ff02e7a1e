"""Application gateways (``network application-gateway list``): the gateway (its subnet from
``gatewayIPConfigurations``, SKU, WAF: ``webApplicationFirewallConfiguration.enabled`` or a linked
``firewallPolicy``), frontend IP configurations (→ public IP or subnet), backend pools (→ NICs from
``backendIPConfigurations``; ``backendAddresses`` kept as IP addresses / FQDNs) and request routing rules,
each resolved to its listener's frontend, port and protocol and the backend pools and ports it forwards to
(a path-based rule: its URL path map's default and path rules). Loads after NICs, subnets and public IPs."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.loadbalancing import (
    AZURE_AGW_BACKEND_POOL,
    AZURE_AGW_FRONTEND_IP,
    AZURE_AGW_RULE,
    AZURE_APPLICATION_GATEWAY,
)
from ingest.azure.common import Item, base, ref, sync_azure
from ingest.azure.subresources import children, getter, nic_of, port, refs, transform_each
from ingest.core import ModuleResult, RunContext
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

SCHEMAS = (AZURE_APPLICATION_GATEWAY, AZURE_AGW_FRONTEND_IP, AZURE_AGW_BACKEND_POOL, AZURE_AGW_RULE)


def _gateway(item: Item) -> dict[str, Any]:
    sku = item.get("sku") or {}
    waf = item.get("webApplicationFirewallConfiguration") or {}
    subnets = refs(c.get("subnet") for _, c in children(item, "gatewayIPConfigurations"))
    policy = ref(item.get("firewallPolicy"))
    return {
        **base(item),
        "sku_name": sku.get("name"),
        "sku_tier": sku.get("tier"),
        "sku_capacity": sku.get("capacity"),
        "operational_state": item.get("operationalState"),
        "provisioning_state": item.get("provisioningState"),
        "enable_http2": item.get("enableHttp2"),
        "subnet_id": subnets[0] if subnets else None,
        "firewall_policy_id": policy,
        "waf_enabled": bool(waf.get("enabled")) or policy is not None,
        "waf_mode": waf.get("firewallMode") if waf.get("enabled") else None,
    }


def _pool(item: Item, gw: dict[str, Any]) -> dict[str, Any]:
    configs = refs(item.get("backendIPConfigurations"))
    addresses = [a for a in item.get("backendAddresses") or [] if isinstance(a, dict)]
    return {
        **base(item),
        "location": gw["location"],
        "application_gateway_id": gw["id"],
        "ip_configuration_ids": configs,
        "nic_ids": sorted({n for c in configs if (n := nic_of(c))}),
        "ip_addresses": sorted({a["ipAddress"] for a in addresses if a.get("ipAddress")}),
        "fqdns": sorted({a["fqdn"] for a in addresses if a.get("fqdn")}),
    }


def _targets(rule: Item, path_maps: dict[str, Item]) -> list[tuple[str | None, str | None]]:
    """(backend pool id, backend settings id) pairs a rule forwards to (redirect rules: none)."""
    pairs = [(ref(rule.get("backendAddressPool")), ref(rule.get("backendHttpSettings")))]
    path_map = path_maps.get(ref(rule.get("urlPathMap")) or "")
    if path_map:
        pairs.append(
            (ref(path_map.get("defaultBackendAddressPool")), ref(path_map.get("defaultBackendHttpSettings")))
        )
        for path in path_map.get("pathRules") or []:
            if isinstance(path, dict):
                pairs.append((ref(path.get("backendAddressPool")), ref(path.get("backendHttpSettings"))))
    return [(p, s) for p, s in pairs if p]


def _rows(item: Item) -> dict[Any, list[Any]]:
    gw = _gateway(item)
    fronts = [
        {
            **base(f),
            "location": gw["location"],
            "application_gateway_id": gw["id"],
            "private_ip_address": f.get("privateIPAddress"),
            "private_ip_allocation_method": f.get("privateIPAllocationMethod"),
            "public_ip_address_id": ref(f.get("publicIPAddress")),
            "subnet_id": ref(f.get("subnet")),
        }
        for _, f in children(item, "frontendIPConfigurations")
    ]
    ports = {pid: port(p.get("port")) for pid, p in children(item, "frontendPorts")}
    listeners = dict(children(item, "httpListeners"))
    settings = dict(children(item, "backendHttpSettingsCollection"))
    path_maps = dict(children(item, "urlPathMaps"))
    rules = []
    for rid, r in children(item, "requestRoutingRules"):
        listener = listeners.get(ref(r.get("httpListener")) or "")
        if listener is None:
            raise ValueError(f"requestRoutingRules {rid}: its httpListener is not in httpListeners")
        targets = _targets(r, path_maps)
        used = [settings.get(s or "") or {} for _, s in targets]
        rules.append(
            {
                **base(r),
                "location": gw["location"],
                "application_gateway_id": gw["id"],
                "rule_type": r.get("ruleType"),
                "priority": r.get("priority"),
                "listener_id": ref(r.get("httpListener")),
                "listener_protocol": listener.get("protocol"),
                "listener_port": ports.get(ref(listener.get("frontendPort")) or ""),
                "listener_host_names": sorted(
                    {h for h in [listener.get("hostName"), *(listener.get("hostNames") or [])] if h}
                ),
                "frontend_ip_id": ref(listener.get("frontendIPConfiguration")),
                "backend_pool_ids": sorted({p for p, _ in targets if p}),
                "backend_ports": sorted({str(s["port"]) for s in used if s.get("port") is not None}),
                "backend_protocols": sorted({str(s["protocol"]) for s in used if s.get("protocol")}),
                "url_path_map_id": ref(r.get("urlPathMap")),
            }
        )
    return {
        AZURE_APPLICATION_GATEWAY: [gw],
        AZURE_AGW_FRONTEND_IP: fronts,
        AZURE_AGW_BACKEND_POOL: [_pool(p, gw) for _, p in children(item, "backendAddressPools")],
        AZURE_AGW_RULE: rules,
    }


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    command = "application-gateway-list"
    return sync_azure(
        MODULE,
        snap,
        ctx,
        scope,
        getter(snap, scope, "network", command),
        transform_each(snap, scope, "network", command, _rows),
    )


MODULE = Module("azure", "application_gateways", sync, SCHEMAS, regional=True)
