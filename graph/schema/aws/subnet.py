"""EC2Subnet (Cartography ≥0.1xx: primary AWSEC2Subnet, legacy EC2Subnet — we carry both)."""

from graph.schema.aws.regional import regional_node
from graph.schema.model import SET, P, RelSchema

EC2_SUBNET = regional_node(
    "EC2Subnet",
    {
        "id": P("id"),
        "subnetid": P("id", index=True),
        "subnet_id": P("id"),
        "subnet_arn": P("subnet_arn"),
        "name": P("cidr_block"),  # Cartography names subnets by their CIDR
        "cidr_block": P("cidr_block"),
        "available_ip_address_count": P("available_ip_address_count"),
        "default_for_az": P("default_for_az"),
        "map_customer_owned_ip_on_launch": P("map_customer_owned_ip_on_launch"),
        "state": P("state"),
        "assignipv6addressoncreation": P("assignipv6addressoncreation"),
        "map_public_ip_on_launch": P("map_public_ip_on_launch"),
        "availability_zone": P("availability_zone"),
        "availability_zone_id": P("availability_zone_id"),
        "vpc_id": P("vpc_id"),
        "ipv6_cidr_blocks": P("ipv6_cidr_blocks", kind=SET),
        "tag_name": P("tag_name"),
    },
    relationships=(RelSchema("MEMBER_OF_AWS_VPC", "AWSVpc", {"id": P("vpc_id")}),),
    extra_labels=("AWSEC2Subnet", "Subnet"),
)
