"""ELBv2 target groups of one region, their registered targets, and LB -[:EXPOSE]-> target edges.

Inputs: ``describe-target-groups`` and one ``describe-target-health/<target-group-name>.json`` per group
(which targets are registered); ``describe-load-balancers`` gives the exposing load balancers. A health
file that is missing or unusable drops that group's targets only, names the file, and ends ``partial``.
"""

from __future__ import annotations

from typing import Any

from graph.schema.aws.elbv2 import ELBV2_TARGET_GROUP, LOAD_BALANCER_V2_EXPOSE
from ingest.aws.elbv2 import lb_row
from ingest.aws.regional import read_each, read_listing, sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

SCHEMAS = (ELBV2_TARGET_GROUP, LOAD_BALANCER_V2_EXPOSE)
# Which EXPOSE relationship (row field) each target type feeds; "ip" targets have no node to point at.
_TARGET_FIELD = {"instance": "target_instance_id", "lambda": "target_lambda_arn", "alb": "target_lb_arn"}


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    groups = read_listing(snap, account, region, "elbv2", "describe-target-groups", "TargetGroups")
    if groups is None:
        return None
    names = [g["TargetGroupName"] for g in groups["TargetGroups"]]
    health, errors = read_each(
        snap, account, region, "elbv2", "describe-target-health", names, "TargetHealthDescriptions"
    )
    lbs = read_listing(snap, account, region, "elbv2", "describe-load-balancers", "LoadBalancers")
    if lbs is None and groups.get("TargetGroups"):
        path = snap.aws_path(account, region, "elbv2", "describe-load-balancers")
        errors.append(f"{path}: not collected; EXPOSE edges keep their previous state")
    return {
        "target_groups": groups["TargetGroups"],
        "health": health,
        "errors": errors,
        "load_balancers": (lbs or {}).get("LoadBalancers", []),
    }


def _expose_rows(group: dict[str, Any], targets: list[dict[str, Any]], lbs: dict[str, dict]) -> list[dict]:
    field = _TARGET_FIELD.get(group.get("TargetType", "instance"))
    if field is None:
        return []
    rows = []
    for lb_arn in group.get("LoadBalancerArns", []):
        if lb_arn not in lbs:
            continue
        for target in targets:
            rows.append(
                {
                    **lbs[lb_arn],
                    field: target["Id"],
                    "port": target.get("Port") or group.get("Port"),
                    "protocol": group.get("Protocol"),
                    "target_group_arn": group["TargetGroupArn"],
                }
            )
    return rows


def transform(raw: dict[str, Any]) -> Transformed:
    lbs = {lb["LoadBalancerArn"]: lb_row(lb) for lb in raw["load_balancers"] if lb.get("DNSName")}
    groups, exposes = [], []
    for g in raw["target_groups"]:
        descriptions = raw["health"].get(g["TargetGroupName"])
        if descriptions is None:
            continue  # health file missing/unusable (already an error): keep this group's previous state
        targets = [d["Target"] for d in descriptions["TargetHealthDescriptions"]]
        groups.append(
            {
                "id": g["TargetGroupArn"],
                "name": g.get("TargetGroupName"),
                "target_type": g.get("TargetType"),
                "protocol": g.get("Protocol"),
                "port": g.get("Port"),
                "vpc_id": g.get("VpcId"),
                "load_balancer_arns": g.get("LoadBalancerArns", []),
                "target_ids": [t["Id"] for t in targets],
            }
        )
        exposes += _expose_rows(g, targets, lbs)
    return Transformed({ELBV2_TARGET_GROUP: groups, LOAD_BALANCER_V2_EXPOSE: exposes}, list(raw["errors"]))


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account, region), transform, SCHEMAS)


MODULE = Module("aws", "elbv2_target_group", sync, SCHEMAS, regional=True)
