"""Compute Engine: GCPVpc, GCPSubnet, GCPNetworkTag, GCPInstance, GCPNetworkInterface, GCPFirewall,
GCPIpRule, GCPIpRange — Cartography's labels, ids (partial URIs "projects/p/…") and relationships:

(GCPVpc)-[:HAS]->(GCPSubnet); (GCPNetworkTag)-[:DEFINED_IN]->(GCPVpc); (GCPInstance)-[:TAGGED]->(tag);
(GCPInstance)-[:NETWORK_INTERFACE]->(nic)-[:PART_OF_SUBNET]->(GCPSubnet); (GCPInstance)-[:RUNS_AS]->(SA);
(GCPVpc)-[:RESOURCE]->(GCPFirewall)-[:TARGET_TAG]->(tag); (GCPIpRule)-[:ALLOWED_BY|DENIED_BY]->(GCPFirewall);
(GCPIpRange)-[:MEMBER_OF_IP_RULE]->(GCPIpRule).
"""

from graph.schema.gcp.common import ASSET, scoped
from graph.schema.model import NUMBER, SET, Direction, P, RelSchema

GCP_VPC = scoped(
    "GCPVpc",
    {
        "id": P("id"),
        "partial_uri": P("id"),
        "self_link": P("self_link"),
        "name": P("name", index=True),
        "auto_create_subnetworks": P("auto_create_subnetworks"),
        "routing_config_routing_mode": P("routing_config_routing_mode"),
        "description": P("description"),
        **ASSET,
    },
    extra_labels=("VirtualNetwork",),
)

GCP_SUBNET = scoped(
    "GCPSubnet",
    {
        "id": P("id"),
        "partial_uri": P("id"),
        "self_link": P("self_link"),
        "name": P("name", index=True),
        "region": P("region"),
        "gateway_address": P("gateway_address"),
        "ip_cidr_range": P("ip_cidr_range"),
        "private_ip_google_access": P("private_ip_google_access"),
        "purpose": P("purpose"),
        "flow_logs_enabled": P("flow_logs_enabled"),
        "vpc_partial_uri": P("vpc_partial_uri"),
        **ASSET,
    },
    relationships=(RelSchema("HAS", "GCPVpc", {"id": P("vpc_partial_uri")}, Direction.INWARD),),
    extra_labels=("Subnet",),
)

GCP_NETWORK_TAG = scoped(
    "GCPNetworkTag",
    {
        "id": P("id"),
        "tag_id": P("id"),
        "value": P("value", index=True),
        "vpc_partial_uri": P("vpc_partial_uri"),
        "project_id": P("project_id"),
        "project_number": P("project_number"),
    },
    relationships=(RelSchema("DEFINED_IN", "GCPVpc", {"id": P("vpc_partial_uri")}),),
)

GCP_INSTANCE = scoped(
    "GCPInstance",
    {
        "id": P("id"),
        "partial_uri": P("id"),
        "self_link": P("self_link"),
        "instancename": P("name"),
        "name": P("name", index=True),
        "hostname": P("hostname"),
        "zone_name": P("zone_name"),
        "status": P("status"),
        "machine_type": P("machine_type"),
        "creation_timestamp": P("creation_timestamp"),
        "private_ip": P("private_ip"),
        "public_ip": P("public_ip"),
        # invgraph additions: every NIC's addresses and the network tags, so controls need no traversal.
        "private_ips": P("private_ips", kind=SET),
        "public_ips": P("public_ips", kind=SET),
        "network_tags": P("network_tags", kind=SET),
        "service_account_email": P("service_account_email", index=True),
        "service_account_scopes": P("service_account_scopes", kind=SET),
        "can_ip_forward": P("can_ip_forward"),
        **ASSET,
    },
    relationships=(
        RelSchema("TAGGED", "GCPNetworkTag", {"id": P("tag_ids")}, many=True),
        RelSchema("RUNS_AS", "GCPServiceAccount", {"email": P("service_account_email")}),
    ),
    extra_labels=("Instance", "ComputeInstance"),
)

GCP_NETWORK_INTERFACE = scoped(
    "GCPNetworkInterface",
    {
        "id": P("id"),
        "nic_id": P("id"),
        "name": P("name"),
        "private_ip": P("private_ip"),
        "public_ip": P("public_ip"),
        "network_tier": P("network_tier"),
        "subnet_partial_uri": P("subnet_partial_uri"),
        "vpc_partial_uri": P("vpc_partial_uri"),
        "project_number": P("project_number"),
    },
    relationships=(
        RelSchema("NETWORK_INTERFACE", "GCPInstance", {"id": P("instance_id")}, Direction.INWARD),
        RelSchema("PART_OF_SUBNET", "GCPSubnet", {"id": P("subnet_partial_uri")}),
    ),
    extra_labels=("NetworkInterface",),
)

GCP_FIREWALL = scoped(
    "GCPFirewall",
    {
        "id": P("id"),
        "name": P("name", index=True),
        "self_link": P("self_link"),
        "direction": P("direction"),
        "disabled": P("disabled"),
        "priority": P("priority", kind=NUMBER),
        "has_target_service_accounts": P("has_target_service_accounts"),
        # invgraph additions: the rule's match fields as lists, so a control reads one node.
        "source_ranges": P("source_ranges", kind=SET),
        "destination_ranges": P("destination_ranges", kind=SET),
        "source_tags": P("source_tags", kind=SET),
        "target_tags": P("target_tags", kind=SET),
        "target_service_accounts": P("target_service_accounts", kind=SET),
        "action": P("action"),
        "vpc_partial_uri": P("vpc_partial_uri"),
        **ASSET,
    },
    relationships=(
        RelSchema("RESOURCE", "GCPVpc", {"id": P("vpc_partial_uri")}, Direction.INWARD),
        RelSchema("TARGET_TAG", "GCPNetworkTag", {"id": P("target_tag_ids")}, many=True),
    ),
    extra_labels=("NetworkAccessControl",),
)

_RULE_PROPS = {
    "id": P("id"),
    "ruleid": P("id"),
    "protocol": P("protocol"),
    "fromport": P("fromport", kind=NUMBER),
    "toport": P("toport", kind=NUMBER),
    "project_number": P("project_number"),
}
GCP_IP_RULE_ALLOWED = scoped(
    "GCPIpRule",
    _RULE_PROPS,
    relationships=(RelSchema("ALLOWED_BY", "GCPFirewall", {"id": P("firewall_id")}),),
    extra_labels=("IpRule", "IpPermissionInbound"),
)
GCP_IP_RULE_DENIED = scoped(
    "GCPIpRule",
    _RULE_PROPS,
    relationships=(RelSchema("DENIED_BY", "GCPFirewall", {"id": P("firewall_id")}),),
    extra_labels=("IpRule",),
)

# Deviation: id is "<scope>:<range>" (Cartography: the range alone) so two scopes never share — and never
# sweep — each other's range nodes. ``range`` holds the CIDR.
GCP_IP_RANGE = scoped(
    "GCPIpRange",
    {
        "id": P("id"),
        "range": P("range", index=True),
        "project_number": P("project_number"),
    },
    relationships=(RelSchema("MEMBER_OF_IP_RULE", "GCPIpRule", {"id": P("rule_ids")}, many=True),),
    extra_labels=("IpRange",),
)
