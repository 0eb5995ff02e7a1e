"""RDS instances and their DB subnet groups (Cartography's RDSInstance / DBSubnetGroup and edges).

(:RDSInstance)-[:MEMBER_OF_EC2_SECURITY_GROUP]->(:EC2SecurityGroup) and
(:RDSInstance)-[:MEMBER_OF_DB_SUBNET_GROUP]->(:DBSubnetGroup)-[:RESOURCE]->(:EC2Subnet); the subnets and
security groups are loaded earlier by the network modules.
"""

from __future__ import annotations

from graph.schema.aws.regional import regional_node
from graph.schema.model import JSON, NUMBER, TIME_TEXT, P, RelSchema, props

DB_SUBNET_GROUP = regional_node(
    "DBSubnetGroup",
    {
        "id": P("id"),
        "name": P("name"),
        "vpc_id": P("vpc_id"),
        "description": P("description"),
        "status": P("status"),
    },
    relationships=(RelSchema("RESOURCE", "EC2Subnet", {"id": P("subnet_ids")}, many=True),),
    extra_labels=("AWSDBSubnetGroup",),
)

_PROPS = (
    "arn",
    "db_instance_class",
    "engine",
    "engine_version",
    "master_username",
    "db_name",
    ("instance_create_time", TIME_TEXT),
    "availability_zone",
    "multi_az",
    "publicly_accessible",
    "db_cluster_identifier",
    "storage_encrypted",
    "kms_key_id",
    "dbi_resource_id",
    "ca_certificate_identifier",
    "deletion_protection",
    ("backup_retention_period", NUMBER),
    "endpoint_address",
    "endpoint_hostedzoneid",
    ("endpoint_port", NUMBER),
    "iam_database_authentication_enabled",
    "auto_minor_version_upgrade",
    "monitoring_role_arn",
    "performance_insights_enabled",
    "preferred_backup_window",
    "preferred_maintenance_window",
    ("tags", JSON),  # ours: {key: value} JSON of TagList
)
RDS_INSTANCE = regional_node(
    "RDSInstance",
    {
        "id": P("id"),
        "db_instance_identifier": P("db_instance_identifier", index=True),
        **props(*_PROPS),
    },
    relationships=(
        RelSchema(
            "MEMBER_OF_EC2_SECURITY_GROUP", "EC2SecurityGroup", {"id": P("security_group_ids")}, many=True
        ),
        RelSchema("MEMBER_OF_DB_SUBNET_GROUP", "DBSubnetGroup", {"id": P("db_subnet_group_arn")}),
    ),
    extra_labels=("AWSRDSInstance", "Database"),
)
