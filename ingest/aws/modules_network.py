"""AWS network and compute modules in load order: every module MATCHes nodes the ones before it loaded.

VPC → subnets → internet gateways → route tables (routes → IGW, associations → subnets) → network ACLs
(→ subnets) → security groups → EKS clusters → instances (→ subnet, SGs, instance profile, EKS cluster)
→ network interfaces (→ instance) → volumes (→ instance) → load balancers → target groups (EXPOSE → instance).
"""

from ingest.aws import (
    ebs_volume,
    eks,
    elbv2,
    elbv2_target_group,
    instance,
    internet_gateway,
    network_acl,
    network_interface,
    route_table,
    security_group,
    subnet,
    vpc,
)
from ingest.module import Module

NETWORK_MODULES: list[Module] = [
    vpc.MODULE,
    subnet.MODULE,
    internet_gateway.MODULE,
    route_table.MODULE,
    network_acl.MODULE,
    security_group.MODULE,
    eks.MODULE,
    instance.MODULE,
    network_interface.MODULE,
    ebs_volume.MODULE,
    elbv2.MODULE,
    elbv2_target_group.MODULE,
]
