"""Load balancers, application gateways and route tables (Cartography's Azure labels and edges where it
models them; route tables are ours, after Cartography's AWS route tables):

(AzureLoadBalancer)-[:CONTAINS]->(AzureLoadBalancerFrontendIPConfiguration|AzureLoadBalancerBackendPool|
  AzureLoadBalancerRule|AzureLoadBalancerInboundNatRule);
(AzureLoadBalancerFrontendIPConfiguration)-[:ASSOCIATED_WITH]->(AzurePublicIPAddress);
(AzureLoadBalancerBackendPool)-[:ROUTES_TO]->(AzureNetworkInterface);
(AzureLoadBalancerRule)-[:USES_FRONTEND_IP]->(…FrontendIPConfiguration), -[:ROUTES_TO]->(…BackendPool);
(AzureLoadBalancerInboundNatRule)-[:USES_FRONTEND_IP]->(…), -[:ROUTES_TO]->(AzureNetworkInterface) (ours);
(AzureApplicationGateway)-[:CONTAINS]->(AzureApplicationGatewayFrontendIPConfiguration|
  AzureApplicationGatewayBackendPool|AzureApplicationGatewayRule); gateway and private frontends
  -[:IN_SUBNET]->(AzureSubnet); pools -[:ROUTES_TO]->(AzureNetworkInterface);
(AzureSubnet)-[:ASSOCIATED_WITH]->(AzureRouteTable)-[:ROUTE]->(AzureRoute).

Sub-resources are owned by the subscription (cleanup scope) but not contained in the resource group: they
hang from their parent, as subnets and NSG rules do.
"""

from graph.schema.azure.common import resource
from graph.schema.model import JSON, NUMBER, SET, Direction, P, RelSchema, props


def _in(parent: str, key: str) -> RelSchema:
    return RelSchema("CONTAINS", parent, {"id": P(key)}, Direction.INWARD)


def _routes_to(label: str, key: str) -> RelSchema:
    return RelSchema("ROUTES_TO", label, {"id": P(key)}, many=True)


_PIP = RelSchema("ASSOCIATED_WITH", "AzurePublicIPAddress", {"id": P("public_ip_address_id")})
_SUBNET = RelSchema("IN_SUBNET", "AzureSubnet", {"id": P("subnet_id")})
_LB_FRONTEND = RelSchema(
    "USES_FRONTEND_IP", "AzureLoadBalancerFrontendIPConfiguration", {"id": P("frontend_ip_id")}
)

AZURE_LOAD_BALANCER = resource(
    "AzureLoadBalancer",
    {
        "id": P("id"),
        **props("sku_name", "sku_tier", "provisioning_state"),
        # NAT pools serve scale sets (not modelled): kept as read, for controls and reports
        "inbound_nat_pools": P("inbound_nat_pools", kind=JSON),
    },
    extra_labels=("LoadBalancer",),
)
AZURE_LB_FRONTEND_IP = resource(
    "AzureLoadBalancerFrontendIPConfiguration",
    {"id": P("id"), **props("load_balancer_id", "private_ip_address", "public_ip_address_id", "subnet_id")},
    (_in("AzureLoadBalancer", "load_balancer_id"), _PIP, _SUBNET),
    in_group=False,
)
AZURE_LB_BACKEND_POOL = resource(
    "AzureLoadBalancerBackendPool",
    {
        "id": P("id"),
        "load_balancer_id": P("load_balancer_id"),
        "ip_configuration_ids": P("ip_configuration_ids", kind=SET),
        "nic_ids": P("nic_ids", kind=SET),
        "ip_addresses": P("ip_addresses", kind=SET),
    },
    (_in("AzureLoadBalancer", "load_balancer_id"), _routes_to("AzureNetworkInterface", "nic_ids")),
    in_group=False,
)
_LB_RULE = {
    "id": P("id"),
    "load_balancer_id": P("load_balancer_id"),
    "protocol": P("protocol"),
    "frontend_ip_id": P("frontend_ip_id"),
}
AZURE_LB_RULE = resource(
    "AzureLoadBalancerRule",
    {
        **_LB_RULE,
        "frontend_port": P("frontend_port", kind=NUMBER),
        "backend_port": P("backend_port", kind=NUMBER),
        "backend_pool_ids": P("backend_pool_ids", kind=SET),
        "probe_id": P("probe_id"),
        "enable_floating_ip": P("enable_floating_ip"),
    },
    (
        _in("AzureLoadBalancer", "load_balancer_id"),
        _LB_FRONTEND,
        _routes_to("AzureLoadBalancerBackendPool", "backend_pool_ids"),
    ),
    in_group=False,
)
AZURE_LB_INBOUND_NAT_RULE = resource(
    "AzureLoadBalancerInboundNatRule",
    {
        **_LB_RULE,
        "frontend_port": P("frontend_port", kind=NUMBER),
        "frontend_port_range_start": P("frontend_port_range_start", kind=NUMBER),
        "frontend_port_range_end": P("frontend_port_range_end", kind=NUMBER),
        "backend_port": P("backend_port", kind=NUMBER),
        "backend_ip_configuration_id": P("backend_ip_configuration_id"),
        "nic_ids": P("nic_ids", kind=SET),
        "backend_pool_id": P("backend_pool_id"),
    },
    (
        _in("AzureLoadBalancer", "load_balancer_id"),
        _LB_FRONTEND,
        _routes_to("AzureNetworkInterface", "nic_ids"),
    ),
    in_group=False,
)

AZURE_APPLICATION_GATEWAY = resource(
    "AzureApplicationGateway",
    {
        "id": P("id"),
        **props("sku_name", "sku_tier", "operational_state", "provisioning_state", "firewall_policy_id"),
        "subnet_id": P("subnet_id"),
        "sku_capacity": P("sku_capacity", kind=NUMBER),
        "enable_http2": P("enable_http2"),
        "waf_enabled": P("waf_enabled"),
        "waf_mode": P("waf_mode"),
    },
    (_SUBNET,),
    ("LoadBalancer",),
)
AZURE_AGW_FRONTEND_IP = resource(
    "AzureApplicationGatewayFrontendIPConfiguration",
    {
        "id": P("id"),
        **props(
            "application_gateway_id",
            "private_ip_address",
            "private_ip_allocation_method",
            "public_ip_address_id",
            "subnet_id",
        ),
    },
    (_in("AzureApplicationGateway", "application_gateway_id"), _PIP, _SUBNET),
    in_group=False,
)
AZURE_AGW_BACKEND_POOL = resource(
    "AzureApplicationGatewayBackendPool",
    {
        "id": P("id"),
        "application_gateway_id": P("application_gateway_id"),
        "ip_configuration_ids": P("ip_configuration_ids", kind=SET),
        "nic_ids": P("nic_ids", kind=SET),
        "ip_addresses": P("ip_addresses", kind=SET),
        "fqdns": P("fqdns", kind=SET),
    },
    (
        _in("AzureApplicationGateway", "application_gateway_id"),
        _routes_to("AzureNetworkInterface", "nic_ids"),
    ),
    in_group=False,
)
AZURE_AGW_RULE = resource(
    "AzureApplicationGatewayRule",
    {
        "id": P("id"),
        **props("application_gateway_id", "rule_type", "listener_id", "listener_protocol", "frontend_ip_id"),
        "priority": P("priority", kind=NUMBER),
        "listener_port": P("listener_port", kind=NUMBER),
        "listener_host_names": P("listener_host_names", kind=SET),
        "backend_pool_ids": P("backend_pool_ids", kind=SET),
        "backend_ports": P("backend_ports", kind=SET),
        "backend_protocols": P("backend_protocols", kind=SET),
        "url_path_map_id": P("url_path_map_id"),
    },
    (
        _in("AzureApplicationGateway", "application_gateway_id"),
        RelSchema(
            "USES_FRONTEND_IP", "AzureApplicationGatewayFrontendIPConfiguration", {"id": P("frontend_ip_id")}
        ),
        _routes_to("AzureApplicationGatewayBackendPool", "backend_pool_ids"),
    ),
    in_group=False,
)

AZURE_ROUTE_TABLE = resource(
    "AzureRouteTable",
    {
        "id": P("id"),
        "disable_bgp_route_propagation": P("disable_bgp_route_propagation"),
        "subnet_ids": P("subnet_ids", kind=SET),
        # the route for every internet address (0.0.0.0/0), if the table overrides the system default
        "default_next_hop_type": P("default_next_hop_type"),
        "default_next_hop_ip": P("default_next_hop_ip"),
    },
    (RelSchema("ASSOCIATED_WITH", "AzureSubnet", {"id": P("subnet_ids")}, Direction.INWARD, many=True),),
)
AZURE_ROUTE = resource(
    "AzureRoute",
    {
        "id": P("id"),
        **props("route_table_id", "address_prefix", "next_hop_type", "next_hop_ip_address"),
    },
    (RelSchema("ROUTE", "AzureRouteTable", {"id": P("route_table_id")}, Direction.INWARD),),
    in_group=False,
)
