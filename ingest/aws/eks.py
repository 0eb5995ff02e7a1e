"""EKS clusters of one region: ``aws eks list-clusters`` plus one ``describe-cluster/<name>.json`` each.

A describe-cluster file that is missing or unusable drops that cluster only, names the file, and ends the
module ``partial`` (no cleanup, so its previous node stays).
"""

from __future__ import annotations

from typing import Any

from graph.schema.aws.eks import EKS_CLUSTER
from ingest.aws.regional import read_each, read_listing, sync_aws, tags_json
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    listed = read_listing(snap, account, region, "eks", "list-clusters", "clusters")
    if listed is None:
        return None
    names = listed["clusters"]
    clusters, errors = read_each(snap, account, region, "eks", "describe-cluster", names, "cluster")
    return {"clusters": clusters, "errors": errors}


def _row(c: dict[str, Any]) -> dict[str, Any]:
    vpc = c.get("resourcesVpcConfig") or {}
    logging = (c.get("logging") or {}).get("clusterLogging", [])
    return {
        "id": c["arn"],
        "arn": c["arn"],
        "name": c.get("name"),
        "created_at": c.get("createdAt"),
        "endpoint": c.get("endpoint"),
        "endpoint_public_access": vpc.get("endpointPublicAccess"),
        "endpoint_private_access": vpc.get("endpointPrivateAccess"),
        # AWS reports 0.0.0.0/0 when public access is on and unrestricted; keep the list as given.
        "public_access_cidrs": vpc.get("publicAccessCidrs", []),
        "rolearn": c.get("roleArn"),
        "version": c.get("version"),
        "platform_version": c.get("platformVersion"),
        "status": c.get("status"),
        # Cartography's audit_logging: is the "audit" log type enabled.
        "audit_logging": any(e.get("enabled") and "audit" in e.get("types", []) for e in logging),
        # Ours: every enabled control-plane log type (api, audit, authenticator, controllerManager,
        # scheduler).
        "enabled_logging_types": sorted({t for e in logging if e.get("enabled") for t in e.get("types", [])}),
        "tags": tags_json(c.get("tags")),
        "authentication_mode": (c.get("accessConfig") or {}).get("authenticationMode"),
        "oidc_issuer": ((c.get("identity") or {}).get("oidc") or {}).get("issuer"),
        "vpc_id": vpc.get("vpcId"),
        "cluster_security_group_id": vpc.get("clusterSecurityGroupId"),
        "subnet_ids": vpc.get("subnetIds", []),
        "security_group_ids": vpc.get("securityGroupIds", []),
        "secrets_encrypted": any(
            "secrets" in e.get("resources", []) for e in c.get("encryptionConfig") or []
        ),
    }


def transform(raw: dict[str, Any]) -> Transformed:
    rows = [_row(data["cluster"]) for data in raw["clusters"].values()]
    return Transformed({EKS_CLUSTER: rows}, list(raw["errors"]))


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(MODULE, snap, ctx, scope, lambda: get(snap, account, region), transform, [EKS_CLUSTER])


MODULE = Module("aws", "eks", sync, (EKS_CLUSTER,), regional=True)
