"""GCPBucket, GCPCloudSQLInstance, GKECluster (Cartography labels and ids: bucket name, selfLink, selfLink)."""

from graph.schema.gcp.common import ASSET, scoped
from graph.schema.model import P, RelSchema

GCP_BUCKET = scoped("GCPBucket", {
    "id": P("id"), "bucket_id": P("id"), "name": P("id", index=True), "self_link": P("self_link"),
    "location": P("location"), "location_type": P("location_type"), "storage_class": P("storage_class"),
    "time_created": P("time_created"), "retention_period": P("retention_period"),
    "iam_config_bucket_policy_only": P("uniform_bucket_level_access"),
    "uniform_bucket_level_access": P("uniform_bucket_level_access"),
    "iam_config_public_access_prevention": P("public_access_prevention"),
    "versioning_enabled": P("versioning_enabled"), "default_kms_key_name": P("default_kms_key_name"),
    "requester_pays": P("requester_pays"), "log_bucket": P("log_bucket"), **ASSET,
}, extra_labels=("ObjectStorage",))

GCP_CLOUDSQL_INSTANCE = scoped("GCPCloudSQLInstance", {
    "id": P("id"), "name": P("name", index=True), "database_version": P("database_version"),
    "region": P("region"), "gce_zone": P("gce_zone"), "state": P("state"), "tier": P("tier"),
    "connection_name": P("connection_name"), "backend_type": P("backend_type"),
    "ipv4_enabled": P("ipv4_enabled"), "public_ip": P("public_ip"), "ip_addresses": P("ip_addresses"),
    "authorized_networks": P("authorized_networks"), "require_ssl": P("require_ssl"), "ssl_mode": P("ssl_mode"),
    "private_network": P("network_id"), "network_id": P("network_id"), "backup_enabled": P("backup_enabled"),
    "service_account_email": P("service_account_email"), **ASSET,
}, relationships=(
    RelSchema("ASSOCIATED_WITH", "GCPVpc", {"id": P("network_id")}),
    RelSchema("USES_SERVICE_ACCOUNT", "GCPServiceAccount", {"email": P("service_account_email")}),
), extra_labels=("Database",))

GKE_CLUSTER = scoped("GKECluster", {
    "id": P("id"), "self_link": P("id"), "name": P("name", index=True), "description": P("description"),
    "location": P("location"), "zone": P("zone"), "network": P("network"), "subnetwork": P("subnetwork"),
    "endpoint": P("endpoint"), "status": P("status"), "current_master_version": P("current_master_version"),
    "initial_version": P("initial_version"), "created_at": P("created_at"),
    "private_nodes": P("private_nodes"), "private_endpoint_enabled": P("private_endpoint_enabled"),
    "private_endpoint": P("private_endpoint"), "public_endpoint": P("public_endpoint"),
    "master_authorized_networks": P("master_authorized_networks"),
    "master_authorized_cidrs": P("master_authorized_cidrs"), "gcp_public_cidrs_access_enabled": P("gcp_public_cidrs"),
    "workload_identity_enabled": P("workload_identity_enabled"), "workload_pool": P("workload_pool"),
    "legacy_abac": P("legacy_abac"), "network_policy": P("network_policy"), "shielded_nodes": P("shielded_nodes"),
    "node_service_accounts": P("node_service_accounts"), **ASSET,
}, extra_labels=("ComputeCluster",))
