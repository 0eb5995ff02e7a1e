"""ALB/NLB/GWLB load balancers of one region and their listeners.

Inputs: ``aws elbv2 describe-load-balancers`` and one ``describe-listeners/<lb-name>.json`` per load
balancer. A listener file that is missing or unusable drops that load balancer's listeners only, names
the file, and ends the module ``partial`` (no cleanup, so its previous listeners stay).
"""

from __future__ import annotations

from typing import Any

from graph.schema.aws.elbv2 import ELBV2_LISTENER, LOAD_BALANCER_V2
from ingest.aws.regional import read_each, read_listing, sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

SCHEMAS = (LOAD_BALANCER_V2, ELBV2_LISTENER)


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    lbs = read_listing(snap, account, region, "elbv2", "describe-load-balancers", "LoadBalancers")
    if lbs is None:
        return None
    names = [lb["LoadBalancerName"] for lb in lbs["LoadBalancers"]]
    listeners, errors = read_each(snap, account, region, "elbv2", "describe-listeners", names, "Listeners")
    return {"load_balancers": lbs["LoadBalancers"], "listeners": listeners, "errors": errors}


def lb_row(lb: dict[str, Any]) -> dict[str, Any]:
    """One LoadBalancerV2 row; the target-group module builds its EXPOSE rows from the same function."""
    return {
        # Cartography's id is the DNS name as AWS prints it; ``dnsname`` is lower-cased for matching.
        "id": lb["DNSName"],
        "dnsname": lb["DNSName"].lower(),
        "name": lb.get("LoadBalancerName"),
        "canonicalhostedzonenameid": lb.get("CanonicalHostedZoneId"),
        "type": lb.get("Type"),
        "scheme": lb.get("Scheme"),
        "arn": lb.get("LoadBalancerArn"),
        "createdtime": lb.get("CreatedTime"),
        "vpc_id": lb.get("VpcId"),
        "state": (lb.get("State") or {}).get("Code"),
        "ip_address_type": lb.get("IpAddressType"),
        "security_group_ids": lb.get("SecurityGroups", []),
        "subnet_ids": [az["SubnetId"] for az in lb.get("AvailabilityZones", []) if az.get("SubnetId")],
    }


def _listener(listener: dict[str, Any]) -> dict[str, Any]:
    forward = next(
        (a.get("TargetGroupArn") for a in listener.get("DefaultActions", []) if a.get("TargetGroupArn")), None
    )
    return {
        "id": listener["ListenerArn"],
        "port": listener.get("Port"),
        "protocol": listener.get("Protocol"),
        "ssl_policy": listener.get("SslPolicy"),
        "targetgrouparn": forward,
        "load_balancer_arn": listener.get("LoadBalancerArn"),
    }


def transform(raw: dict[str, Any]) -> Transformed:
    lbs = [lb_row(lb) for lb in raw["load_balancers"] if lb.get("DNSName")]
    listeners = [_listener(x) for data in raw["listeners"].values() for x in data["Listeners"]]
    return Transformed({LOAD_BALANCER_V2: lbs, ELBV2_LISTENER: listeners}, list(raw["errors"]))


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account, region), transform, SCHEMAS)


MODULE = Module("aws", "elbv2", sync, SCHEMAS, regional=True)
