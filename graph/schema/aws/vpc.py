"""AWSVpc — Cartography's VPC label (it never had an EC2VPC label). CIDR blocks are kept as properties."""

from graph.schema.aws.regional import regional_node
from graph.schema.model import JSON, SET, P

AWS_VPC = regional_node(
    "AWSVpc",
    {
        "id": P("id"),
        "vpcid": P("id", index=True),
        "primary_cidr_block": P("primary_cidr_block"),
        "instance_tenancy": P("instance_tenancy"),
        "state": P("state"),
        "is_default": P("is_default"),
        "dhcp_options_id": P("dhcp_options_id"),
        # Ours: Cartography has owner-less AWSCidrBlock nodes; see docs/schema/aws-network.md.
        "cidr_blocks": P("cidr_blocks", kind=SET),
        "ipv6_cidr_blocks": P("ipv6_cidr_blocks", kind=SET),
        "name": P("name"),
        "tags": P("tags", kind=JSON),  # ours: {key: value} JSON
    },
    extra_labels=("VirtualNetwork",),
)
