"""EC2NetworkAcl and its entries as EC2NetworkAclRule (Cartography: id = ARN, rules MEMBER_OF_NACL).

Inbound entries also carry IpPermissionInbound, egress entries IpPermissionEgress — as Cartography does.
"""

from graph.schema.aws.regional import regional_node
from graph.schema.model import NUMBER, P, RelSchema

EC2_NETWORK_ACL = regional_node(
    "EC2NetworkAcl",
    {
        "id": P("id"),
        "arn": P("id"),
        "network_acl_id": P("network_acl_id", index=True),
        "is_default": P("is_default"),
        "vpc_id": P("vpc_id"),
        "name": P("name"),
    },
    relationships=(
        RelSchema("MEMBER_OF_AWS_VPC", "AWSVpc", {"id": P("vpc_id")}),
        RelSchema("PART_OF_SUBNET", "EC2Subnet", {"id": P("subnet_ids")}, many=True),
    ),
    extra_labels=("AWSEC2NetworkAcl",),
)

_RULE_PROPS = {
    "id": P("id"),
    "network_acl_id": P("network_acl_id"),
    "protocol": P("protocol"),
    "fromport": P("fromport", kind=NUMBER),
    "toport": P("toport", kind=NUMBER),
    "cidrblock": P("cidrblock"),
    "ipv6cidrblock": P("ipv6cidrblock"),
    "egress": P("egress"),
    "rulenumber": P("rulenumber", kind=NUMBER),
    "ruleaction": P("ruleaction"),
}
_TO_ACL = (RelSchema("MEMBER_OF_NACL", "EC2NetworkAcl", {"id": P("network_acl_arn")}),)

EC2_NETWORK_ACL_RULE_INBOUND = regional_node(
    "EC2NetworkAclRule",
    _RULE_PROPS,
    _TO_ACL,
    extra_labels=("AWSEC2NetworkAclRule", "IpPermissionInbound"),
)
EC2_NETWORK_ACL_RULE_EGRESS = regional_node(
    "EC2NetworkAclRule",
    _RULE_PROPS,
    _TO_ACL,
    extra_labels=("AWSEC2NetworkAclRule", "IpPermissionEgress"),
)
