"""NetworkInterface (ENI) from describe-network-interfaces (Cartography; AWSNetworkInterface extra).

(NetworkInterface)-[:PART_OF_SUBNET]->(EC2Subnet)
(NetworkInterface)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(EC2SecurityGroup)
(EC2Instance)-[:NETWORK_INTERFACE]->(NetworkInterface)
"""

from graph.schema.aws.regional import regional_node
from graph.schema.model import NUMBER, SET, TIME, Direction, P, RelSchema, props

_FIELDS = (
    "description",
    "mac_address",
    "private_dns_name",
    "private_ip_address",
    "public_ip",
    "interface_type",
    "requester_id",
    "requester_managed",
    "source_dest_check",
    "status",
    "subnet_id",
    ("attach_time", TIME),
    ("device_index", NUMBER),
    "vpc_id",
    "instance_id",
    # Ours: every private/public/IPv6 address of the ENI (Cartography has EC2PrivateIp nodes for these).
    ("private_ip_addresses", SET),
    ("public_ips", SET),
    ("ipv6_addresses", SET),
)

NETWORK_INTERFACE = regional_node(
    "NetworkInterface",
    {"id": P("id"), "subnetid": P("subnet_id"), **props(*_FIELDS)},
    relationships=(
        RelSchema("PART_OF_SUBNET", "EC2Subnet", {"id": P("subnet_id")}),
        RelSchema(
            "MEMBER_OF_EC2_SECURITY_GROUP", "EC2SecurityGroup", {"id": P("security_group_ids")}, many=True
        ),
        RelSchema("NETWORK_INTERFACE", "EC2Instance", {"id": P("instance_id")}, Direction.INWARD),
    ),
    extra_labels=("AWSNetworkInterface",),
)
