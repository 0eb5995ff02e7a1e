"""ELBv2 load balancers of one account/region: LB, its listener, one target group and its targets.

Files: describe-load-balancers.json and describe-target-groups.json (lists), plus per-resource
describe-listeners/<lb-name>.json and describe-target-health/<target-group-name>.json.
"""

from __future__ import annotations

from typing import Any

from ingest.sample.aws_compute import add_service_eni
from ingest.sample.aws_network import Net, Subnet
from ingest.sample.context import Ctx

# Route 53 hosted-zone ids AWS uses for ALB / NLB DNS names in us-east-1 (public, documented values).
_ZONE = {"application": "Z35SXDOTRQ7X7K", "network": "Z26RNL4JYFTOTI"}


def add_load_balancer(
    ctx: Ctx,
    net: Net,
    name: str,
    *,
    lb_type: str,
    scheme: str,
    subnets: list[Subnet],
    sg_ids: list[str],
    listener: tuple[int, str],
    target_group: tuple[str, int, str, str],
    targets: list[tuple[str, int, str | None]],
    dns_name: str | None = None,
) -> dict[str, Any]:
    """`listener` = (port, protocol); `target_group` = (name, port, protocol, target type);
    `targets` = (instance id or IP, port, availability zone for IP targets)."""
    ids, acct, region = ctx.ids, net.account, net.region
    short = "app" if lb_type == "application" else "net"
    lb_hex = ids.hex(16)
    lb_arn = acct.arn("elasticloadbalancing", region, f"loadbalancer/{short}/{name}/{lb_hex}")
    if dns_name is None:
        prefix = "" if scheme == "internet-facing" else "internal-"
        dns_name = f"{prefix}{name}-{ids.rng.randint(100000000, 2000000000)}.{region}.elb.amazonaws.com"
    lb: dict[str, Any] = {
        "LoadBalancerArn": lb_arn,
        "DNSName": dns_name,
        "CanonicalHostedZoneId": _ZONE[lb_type],
        "CreatedTime": ctx.clock.aws(200),
        "LoadBalancerName": name,
        "Scheme": scheme,
        "VpcId": net.vpc_id,
        "State": {"Code": "active"},
        "Type": lb_type,
        "AvailabilityZones": [
            {"ZoneName": s.az, "SubnetId": s.id, "LoadBalancerAddresses": []} for s in subnets
        ],
    }
    if sg_ids:
        lb["SecurityGroups"] = sg_ids
    lb["IpAddressType"] = "ipv4"
    net.load_balancers.append(lb)
    for s in subnets:
        add_service_eni(
            ctx, net, s, sg_ids, f"ELB {short}/{name}/{lb_hex}", "amazon-elb", scheme == "internet-facing"
        )

    tg_name, tg_port, tg_proto, tg_type = target_group
    tg_arn = acct.arn("elasticloadbalancing", region, f"targetgroup/{tg_name}/{ids.hex(16)}")
    http = tg_proto in ("HTTP", "HTTPS")
    tg: dict[str, Any] = {
        "TargetGroupArn": tg_arn,
        "TargetGroupName": tg_name,
        "Protocol": tg_proto,
        "Port": tg_port,
        "VpcId": net.vpc_id,
        "HealthCheckProtocol": tg_proto if http else "TCP",
        "HealthCheckPort": "traffic-port",
        "HealthCheckEnabled": True,
        "HealthCheckIntervalSeconds": 30 if http else 10,
        "HealthCheckTimeoutSeconds": 5 if http else 10,
        "HealthyThresholdCount": 5 if http else 3,
        "UnhealthyThresholdCount": 2 if http else 3,
    }
    if http:
        tg.update({"HealthCheckPath": "/healthz", "Matcher": {"HttpCode": "200"}})
    tg.update({"LoadBalancerArns": [lb_arn], "TargetType": tg_type, "IpAddressType": "ipv4"})
    if http:
        tg["ProtocolVersion"] = "HTTP1"
    net.target_groups.append(tg)

    port, proto = listener
    listener_obj: dict[str, Any] = {
        "ListenerArn": acct.arn(
            "elasticloadbalancing", region, f"listener/{short}/{name}/{lb_hex}/{ids.hex(16)}"
        ),
        "LoadBalancerArn": lb_arn,
        "Port": port,
        "Protocol": proto,
    }
    if proto in ("HTTPS", "TLS"):
        listener_obj["Certificates"] = [
            {"CertificateArn": acct.arn("acm", region, f"certificate/{ids.uid()}")}
        ]
        listener_obj["SslPolicy"] = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    listener_obj["DefaultActions"] = [
        {
            "Type": "forward",
            "TargetGroupArn": tg_arn,
            "Order": 1,
            "ForwardConfig": {
                "TargetGroups": [{"TargetGroupArn": tg_arn, "Weight": 1}],
                "TargetGroupStickinessConfig": {"Enabled": False},
            },
        }
    ]
    ctx.files[ctx.aws_path(acct, region, "elbv2", "describe-listeners", name)] = {"Listeners": [listener_obj]}
    health = []
    for target_id, target_port, az in targets:
        target: dict[str, Any] = {"Id": target_id, "Port": target_port}
        if az:
            target["AvailabilityZone"] = az
        health.append(
            {"Target": target, "HealthCheckPort": str(target_port), "TargetHealth": {"State": "healthy"}}
        )
    ctx.files[ctx.aws_path(acct, region, "elbv2", "describe-target-health", tg_name)] = {
        "TargetHealthDescriptions": health
    }
    return lb


def write_elb(ctx: Ctx, net: Net) -> None:
    acct, region = net.account, net.region
    ctx.files[ctx.aws_path(acct, region, "elbv2", "describe-load-balancers")] = {
        "LoadBalancers": net.load_balancers
    }
    ctx.files[ctx.aws_path(acct, region, "elbv2", "describe-target-groups")] = {
        "TargetGroups": net.target_groups
    }
