"""Virtual networks, subnets, NSGs and their rules, public IPs, NICs (Cartography's labels and edges):

(AzureVirtualNetwork)-[:CONTAINS]->(AzureSubnet)-[:ASSOCIATED_WITH]->(AzureNetworkSecurityGroup);
(AzureNetworkSecurityRule)-[:MEMBER_OF_AZURE_NSG]->(AzureNetworkSecurityGroup);
(AzureNetworkInterface)-[:ATTACHED_TO]->(AzureVirtualMachine|AzureSubnet);
(AzureNetworkInterface)-[:ASSOCIATED_WITH]->(AzurePublicIPAddress|AzureNetworkSecurityGroup).
Rules carry both Cartography's single/plural fields and ours: ``source_prefixes`` / ``destination_ports`` =
the union of ``…Prefix`` and ``…Prefixes`` (``…Range`` and ``…Ranges``), so a control reads one list.
"""

from graph.schema.azure.common import resource
from graph.schema.model import NUMBER, SET, Direction, P, RelSchema, props

AZURE_VIRTUAL_NETWORK = resource(
    "AzureVirtualNetwork",
    {
        "id": P("id"),
        "provisioning_state": P("provisioning_state"),
        "address_prefixes": P("address_prefixes", kind=SET),
    },
    extra_labels=("VirtualNetwork",),
)

AZURE_NETWORK_SECURITY_GROUP = resource(
    "AzureNetworkSecurityGroup", {"id": P("id")}, extra_labels=("NetworkAccessControl",)
)

AZURE_SUBNET = resource(
    "AzureSubnet",
    {
        "id": P("id"),
        "address_prefix": P("address_prefix"),
        "address_prefixes": P("address_prefixes", kind=SET),
        "nsg_id": P("nsg_id"),
        "route_table_id": P("route_table_id"),
        "vnet_id": P("vnet_id"),
    },
    (
        RelSchema("CONTAINS", "AzureVirtualNetwork", {"id": P("vnet_id")}, Direction.INWARD),
        RelSchema("ASSOCIATED_WITH", "AzureNetworkSecurityGroup", {"id": P("nsg_id")}),
    ),
    ("Subnet",),
    in_group=False,
)

_RULE = {
    "id": P("id"),
    "description": P("description"),
    "protocol": P("protocol"),
    "direction": P("direction"),
    "access": P("access"),
    "priority": P("priority", kind=NUMBER),
    "is_default": P("is_default"),
    "nsg_id": P("nsg_id", index=True),
    "source_address_prefix": P("source_address_prefix"),
    "source_address_prefixes": P("source_address_prefixes", kind=SET),
    "source_port_range": P("source_port_range"),
    "source_port_ranges": P("source_port_ranges", kind=SET),
    "destination_address_prefix": P("destination_address_prefix"),
    "destination_address_prefixes": P("destination_address_prefixes", kind=SET),
    "destination_port_range": P("destination_port_range"),
    "destination_port_ranges": P("destination_port_ranges", kind=SET),
    # ours: the union of the single and plural fields
    "source_prefixes": P("source_prefixes", kind=SET),
    "destination_prefixes": P("destination_prefixes", kind=SET),
    "destination_ports": P("destination_ports", kind=SET),
}
_IN_NSG = (RelSchema("MEMBER_OF_AZURE_NSG", "AzureNetworkSecurityGroup", {"id": P("nsg_id")}),)
AZURE_NSG_RULE_INBOUND = resource(
    "AzureNetworkSecurityRule", _RULE, _IN_NSG, ("IpPermissionInbound", "IpRule"), in_group=False
)
AZURE_NSG_RULE_OUTBOUND = resource(
    "AzureNetworkSecurityRule", _RULE, _IN_NSG, ("IpPermissionEgress", "IpRule"), in_group=False
)

AZURE_PUBLIC_IP = resource(
    "AzurePublicIPAddress",
    {
        "id": P("id"),
        **props("ip_address", "allocation_method", "sku", "version", "fqdn", "ip_configuration_id"),
    },
)

AZURE_NETWORK_INTERFACE = resource(
    "AzureNetworkInterface",
    {
        "id": P("id"),
        "mac_address": P("mac_address"),
        "private_ip_addresses": P("private_ip_addresses", kind=SET),
        "enable_ip_forwarding": P("enable_ip_forwarding"),
        "virtual_machine_id": P("virtual_machine_id"),
        "nsg_id": P("nsg_id"),
        "subnet_ids": P("subnet_ids", kind=SET),
        "public_ip_ids": P("public_ip_ids", kind=SET),
    },
    (
        RelSchema("ATTACHED_TO", "AzureVirtualMachine", {"id": P("virtual_machine_id")}),
        RelSchema("ATTACHED_TO", "AzureSubnet", {"id": P("subnet_ids")}, many=True),
        RelSchema("ASSOCIATED_WITH", "AzurePublicIPAddress", {"id": P("public_ip_ids")}, many=True),
        RelSchema("ASSOCIATED_WITH", "AzureNetworkSecurityGroup", {"id": P("nsg_id")}),
    ),
    ("NetworkInterface",),
)
