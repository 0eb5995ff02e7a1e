"""RDS instances (describe-db-instances) and the DB subnet groups embedded in them."""

from __future__ import annotations

from functools import partial
from typing import Any

from graph.schema.aws.rds import DB_SUBNET_GROUP, RDS_INSTANCE
from ingest.aws.regional import sync_aws, tags_json
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

SCHEMAS = (DB_SUBNET_GROUP, RDS_INSTANCE)
# Cartography property → DBInstance member, for the ones copied as they are.
_COPIED = {
    "arn": "DBInstanceArn",
    "db_instance_identifier": "DBInstanceIdentifier",
    "db_instance_class": "DBInstanceClass",
    "engine": "Engine",
    "engine_version": "EngineVersion",
    "master_username": "MasterUsername",
    "db_name": "DBName",
    "availability_zone": "AvailabilityZone",
    "multi_az": "MultiAZ",
    "publicly_accessible": "PubliclyAccessible",
    "db_cluster_identifier": "DBClusterIdentifier",
    "storage_encrypted": "StorageEncrypted",
    "kms_key_id": "KmsKeyId",
    "dbi_resource_id": "DbiResourceId",
    "ca_certificate_identifier": "CACertificateIdentifier",
    "deletion_protection": "DeletionProtection",
    "backup_retention_period": "BackupRetentionPeriod",
    "iam_database_authentication_enabled": "IAMDatabaseAuthenticationEnabled",
    "auto_minor_version_upgrade": "AutoMinorVersionUpgrade",
    "monitoring_role_arn": "MonitoringRoleArn",
    "performance_insights_enabled": "PerformanceInsightsEnabled",
    "preferred_backup_window": "PreferredBackupWindow",
    "preferred_maintenance_window": "PreferredMaintenanceWindow",
}


def get(snap: Snapshot, account: str, region: str) -> dict[str, Any] | None:
    return snap.aws(account, region, "rds", "describe-db-instances")


def subnet_group_arn(region: str, account: str, name: str) -> str:
    """Cartography's id: describe-db-instances does not return the subnet group's ARN."""
    return f"arn:aws:rds:{region}:{account}:subgrp:{name}"


def transform(raw: dict[str, Any], account: str, region: str) -> Transformed:
    groups: dict[str, dict[str, Any]] = {}
    instances = []
    for db in raw.get("DBInstances") or []:
        row = {prop: db.get(key) for prop, key in _COPIED.items()}
        endpoint = db.get("Endpoint") or {}
        created = db.get("InstanceCreateTime")
        row.update(
            id=db["DBInstanceArn"],
            endpoint_address=endpoint.get("Address"),
            endpoint_port=endpoint.get("Port"),
            endpoint_hostedzoneid=endpoint.get("HostedZoneId"),
            instance_create_time=str(created) if created else None,
            security_group_ids=[g["VpcSecurityGroupId"] for g in db.get("VpcSecurityGroups") or []],
            tags=tags_json(db.get("TagList")),
        )
        group = db.get("DBSubnetGroup")
        if group:
            arn = subnet_group_arn(region, account, group["DBSubnetGroupName"])
            row["db_subnet_group_arn"] = arn
            groups[arn] = {
                "id": arn,
                "name": group["DBSubnetGroupName"],
                "vpc_id": group.get("VpcId"),
                "description": group.get("DBSubnetGroupDescription"),
                "status": group.get("SubnetGroupStatus"),
                "subnet_ids": [s["SubnetIdentifier"] for s in group.get("Subnets") or []],
            }
        instances.append(row)
    return Transformed({DB_SUBNET_GROUP: list(groups.values()), RDS_INSTANCE: instances})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account, region = scope.owner, scope.region
    return sync_aws(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, account, region),
        partial(transform, account=account, region=region),
        SCHEMAS,
    )


MODULE = Module("aws", "rds", sync, SCHEMAS, regional=True)
