"""EC2Reservation and EC2Instance (Cartography; legacy labels primary, AWS-prefixed labels extra).

(EC2Instance)-[:MEMBER_OF_EC2_RESERVATION]->(EC2Reservation)
(EC2Instance)-[:PART_OF_SUBNET]->(EC2Subnet)
(EC2Instance)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(EC2SecurityGroup)
(EC2Instance)-[:INSTANCE_PROFILE]->(AWSInstanceProfile {arn})   — the profile node is IAM's
(EC2Instance)-[:MEMBER_OF_EKS_CLUSTER]->(EKSCluster)
``exposed_internet`` (Cartography's analysis jobs) and ``invgraph_exposed`` (ours) are not properties here:
the analyses own them, and a load never resets them.
"""

from graph.schema.aws.regional import regional_node
from graph.schema.model import JSON, NUMBER, TIME, P, RelSchema, props

EC2_RESERVATION = regional_node(
    "EC2Reservation",
    {"id": P("id"), "reservationid": P("id"), "ownerid": P("ownerid"), "requesterid": P("requesterid")},
    extra_labels=("AWSEC2Reservation",),
)

_INSTANCE_FIELDS = (
    "arn",
    ("tags", JSON),  # ours: {key: value} JSON (docs/schema/aws-network.md, "Tags")
    "publicdnsname",
    "privatednsname",
    "privateipaddress",
    "publicipaddress",
    "imageid",
    "instancetype",
    "monitoringstate",
    "state",
    ("launchtime", TIME),
    ("launchtimeunix", NUMBER),
    "iaminstanceprofile",
    "availabilityzone",
    "tenancy",
    "platform",
    "architecture",
    "ebsoptimized",
    "instancelifecycle",
    "metadatahttptokens",
    ("metadatahttpputresponsehoplimit", NUMBER),
    "metadatahttpendpoint",
    "imdsv1enabled",
    "imdsv2required",
    "eks_cluster_name",
    "ipv6address",
    "subnetid",
    "vpcid",
    "keyname",
    "name",
)

EC2_INSTANCE = regional_node(
    "EC2Instance",
    {"id": P("id"), "instanceid": P("id", index=True), **props(*_INSTANCE_FIELDS)},
    relationships=(
        RelSchema("MEMBER_OF_EC2_RESERVATION", "EC2Reservation", {"id": P("reservationid")}),
        RelSchema("PART_OF_SUBNET", "EC2Subnet", {"id": P("subnetid")}),
        RelSchema(
            "MEMBER_OF_EC2_SECURITY_GROUP", "EC2SecurityGroup", {"id": P("security_group_ids")}, many=True
        ),
        RelSchema("INSTANCE_PROFILE", "AWSInstanceProfile", {"arn": P("iaminstanceprofile")}),
        RelSchema("MEMBER_OF_EKS_CLUSTER", "EKSCluster", {"id": P("eks_cluster_arn")}),
    ),
    extra_labels=("AWSEC2Instance", "ComputeInstance"),
)
