"""Application / network / gateway load balancers (Cartography's ELBv2 shapes; legacy labels primary).

(LoadBalancerV2)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(EC2SecurityGroup)
(LoadBalancerV2)-[:SUBNET]->(EC2Subnet)
(LoadBalancerV2)-[:ELBV2_LISTENER]->(ELBV2Listener)
(LoadBalancerV2)-[:ELBV2_TARGET_GROUP]->(ELBV2TargetGroup)
(LoadBalancerV2)-[:EXPOSE {port, protocol, target_group_arn}]->(EC2Instance | AWSLambda | LoadBalancerV2)
"""

from graph.schema.aws.regional import regional_node, relationship_pass
from graph.schema.model import NUMBER, SET, TIME, Direction, P, RelSchema

LOAD_BALANCER_V2 = regional_node(
    "LoadBalancerV2",
    {
        "id": P("id"),
        "name": P("name"),
        "dnsname": P("dnsname"),
        "canonicalhostedzonenameid": P("canonicalhostedzonenameid"),
        "type": P("type"),
        "scheme": P("scheme"),
        "arn": P("arn", index=True),
        "createdtime": P("createdtime", kind=TIME),
        "vpc_id": P("vpc_id"),
        "state": P("state"),
        "ip_address_type": P("ip_address_type"),
    },
    relationships=(
        RelSchema(
            "MEMBER_OF_EC2_SECURITY_GROUP", "EC2SecurityGroup", {"id": P("security_group_ids")}, many=True
        ),
        RelSchema("SUBNET", "EC2Subnet", {"id": P("subnet_ids")}, many=True),
    ),
    extra_labels=("AWSLoadBalancerV2", "LoadBalancer"),
)

ELBV2_LISTENER = regional_node(
    "ELBV2Listener",
    {
        "id": P("id"),
        "port": P("port", kind=NUMBER),
        "protocol": P("protocol"),
        "ssl_policy": P("ssl_policy"),
        "targetgrouparn": P("targetgrouparn"),
        "load_balancer_arn": P("load_balancer_arn"),
    },
    relationships=(
        RelSchema("ELBV2_LISTENER", "LoadBalancerV2", {"arn": P("load_balancer_arn")}, Direction.INWARD),
    ),
    extra_labels=("AWSELBV2Listener", "Endpoint"),
)

ELBV2_TARGET_GROUP = regional_node(
    "ELBV2TargetGroup",
    {
        "id": P("id"),
        "arn": P("id"),
        "name": P("name"),
        "target_type": P("target_type"),
        "protocol": P("protocol"),
        "port": P("port", kind=NUMBER),
        "vpc_id": P("vpc_id"),
        # Ours: registered targets as listed by describe-target-health (ip targets have no node to point at).
        "target_ids": P("target_ids", kind=SET),
    },
    relationships=(
        RelSchema(
            "ELBV2_TARGET_GROUP",
            "LoadBalancerV2",
            {"arn": P("load_balancer_arns")},
            Direction.INWARD,
            many=True,
        ),
    ),
    extra_labels=("AWSELBV2TargetGroup",),
)

# One row per (load balancer, registered target): the EXPOSE edge carries that target group's port.
_EXPOSE_PROPS = {"port": P("port"), "protocol": P("protocol"), "target_group_arn": P("target_group_arn")}
LOAD_BALANCER_V2_EXPOSE = relationship_pass(
    LOAD_BALANCER_V2,
    RelSchema("EXPOSE", "EC2Instance", {"id": P("target_instance_id")}, properties=_EXPOSE_PROPS),
    RelSchema("EXPOSE", "AWSLambda", {"id": P("target_lambda_arn")}, properties=_EXPOSE_PROPS),
    RelSchema("EXPOSE", "LoadBalancerV2", {"arn": P("target_lb_arn")}, properties=_EXPOSE_PROPS),
)
