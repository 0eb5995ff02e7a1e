"""EC2RouteTable, EC2Route, EC2RouteTableAssociation (Cartography's shapes; legacy labels primary).

(EC2RouteTable)-[:MEMBER_OF_AWS_VPC]->(AWSVpc)
(EC2RouteTable)-[:ROUTE]->(EC2Route)-[:ROUTES_TO_GATEWAY]->(AWSInternetGateway)
(EC2RouteTable)-[:ASSOCIATION]->(EC2RouteTableAssociation)-[:ASSOCIATED_SUBNET]->(EC2Subnet)
(EC2RouteTableAssociation)-[:ASSOCIATED_IGW_FOR_INGRESS]->(AWSInternetGateway)
The table→route and table→association edges are declared on the members (INWARD) so the table loads
first and each member MATCHes it.
"""

from graph.schema.aws.regional import regional_node
from graph.schema.model import Direction, P, RelSchema, props

EC2_ROUTE_TABLE = regional_node(
    "EC2RouteTable",
    {
        "id": P("id"),
        "route_table_id": P("id", index=True),
        "owner_id": P("owner_id"),
        "vpc_id": P("vpc_id"),
        "main": P("main"),
        "name": P("name"),
    },
    relationships=(RelSchema("MEMBER_OF_AWS_VPC", "AWSVpc", {"id": P("vpc_id")}),),
    extra_labels=("AWSEC2RouteTable",),
)

_ROUTE_FIELDS = (
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
    "destination_prefix_list_id",
    "gateway_id",
    "vpc_endpoint_id",
    "instance_id",
    "instance_owner_id",
    "nat_gateway_id",
    "transit_gateway_id",
    "local_gateway_id",
    "carrier_gateway_id",
    "network_interface_id",
    "vpc_peering_connection_id",
    "egress_only_internet_gateway_id",
    "core_network_arn",
    "state",
    "origin",
    "target",
    "route_table_id",
)

EC2_ROUTE = regional_node(
    "EC2Route",
    {"id": P("id"), **props(*_ROUTE_FIELDS)},
    relationships=(
        RelSchema("ROUTE", "EC2RouteTable", {"id": P("route_table_id")}, Direction.INWARD),
        RelSchema("ROUTES_TO_GATEWAY", "AWSInternetGateway", {"id": P("gateway_id")}),
    ),
    extra_labels=("AWSEC2Route",),
)

EC2_ROUTE_TABLE_ASSOCIATION = regional_node(
    "EC2RouteTableAssociation",
    {
        "id": P("id"),
        "route_table_association_id": P("id"),
        "target": P("target"),
        "gateway_id": P("gateway_id"),
        "main": P("main"),
        "route_table_id": P("route_table_id"),
        "subnet_id": P("subnet_id"),
        "association_state": P("association_state"),
        "association_state_message": P("association_state_message"),
    },
    relationships=(
        RelSchema("ASSOCIATION", "EC2RouteTable", {"id": P("route_table_id")}, Direction.INWARD),
        RelSchema("ASSOCIATED_SUBNET", "EC2Subnet", {"id": P("subnet_id")}),
        RelSchema("ASSOCIATED_IGW_FOR_INGRESS", "AWSInternetGateway", {"id": P("gateway_id")}),
    ),
    extra_labels=("AWSEC2RouteTableAssociation",),
)
