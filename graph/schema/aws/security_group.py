"""EC2SecurityGroup and its rules, in Cartography's shape.

(AWSVpc)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(EC2SecurityGroup)-[:ALLOWS_TRAFFIC_FROM]->(EC2SecurityGroup)
(IpRule:IpPermissionInbound)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(EC2SecurityGroup)
(IpRule:IpPermissionEgress)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(EC2SecurityGroup)
(IpRange {range})-[:MEMBER_OF_IP_RULE]->(IpRule)
"""

from graph.schema.aws.regional import regional_node, relationship_pass
from graph.schema.model import NUMBER, SET, Direction, P, RelSchema

EC2_SECURITY_GROUP = regional_node(
    "EC2SecurityGroup",
    {
        "id": P("id"),
        "groupid": P("id", index=True),
        "name": P("name"),
        "description": P("description"),
        "vpc_id": P("vpc_id"),
        "arn": P("arn"),
        "owner_id": P("owner_id"),
    },
    relationships=(
        RelSchema("MEMBER_OF_EC2_SECURITY_GROUP", "AWSVpc", {"id": P("vpc_id")}, Direction.INWARD),
    ),
    extra_labels=("AWSEC2SecurityGroup", "NetworkAccessControl"),
)

# Second pass: a group may reference a group that comes later in the same file, so the SG → SG edges
# are merged once every group of the region exists.
EC2_SECURITY_GROUP_REFERENCES = relationship_pass(
    EC2_SECURITY_GROUP,
    RelSchema("ALLOWS_TRAFFIC_FROM", "EC2SecurityGroup", {"id": P("source_group_ids")}, many=True),
)

_RULE_PROPS = {
    "id": P("id"),
    "ruleid": P("id", index=True),
    "groupid": P("groupid"),
    "protocol": P("protocol"),
    "fromport": P("fromport", kind=NUMBER),
    "toport": P("toport", kind=NUMBER),
    # Ours: groups referenced by this rule (UserIdGroupPairs) and prefix lists, so analysis can read one node.
    "source_group_ids": P("source_group_ids", kind=SET),
    "prefix_list_ids": P("prefix_list_ids", kind=SET),
}
_TO_GROUP = (RelSchema("MEMBER_OF_EC2_SECURITY_GROUP", "EC2SecurityGroup", {"id": P("groupid")}),)

# Both directions share the primary label IpRule (one uniqueness constraint that IpRange edges match on);
# the direction is the extra label, as in Cartography's graphs.
IP_PERMISSION_INBOUND = regional_node(
    "IpRule",
    _RULE_PROPS,
    _TO_GROUP,
    extra_labels=("IpPermissionInbound", "AWSIpPermissionInbound", "AWSIpRule"),
)
IP_PERMISSION_EGRESS = regional_node(
    "IpRule",
    _RULE_PROPS,
    _TO_GROUP,
    extra_labels=("IpPermissionEgress", "AWSIpRule"),
)

IP_RANGE = regional_node(
    "IpRange",
    {"id": P("id"), "range": P("range", index=True), "ipv6": P("ipv6")},
    relationships=(RelSchema("MEMBER_OF_IP_RULE", "IpRule", {"id": P("rule_id")}),),
    extra_labels=("AWSIpRange",),
)
