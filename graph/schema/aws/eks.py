"""EKSCluster (Cartography: id = ARN; AWSEKSCluster and ComputeCluster extra).

Cartography has no node for the cluster's OIDC issuer; we keep it as ``oidc_issuer`` so IRSA trust
policies (federated principal = the issuer's IAM OIDC provider) can be joined on it.
"""

from graph.schema.aws.regional import regional_node
from graph.schema.model import JSON, SET, TIME, P, props

_FIELDS = (
    "arn",
    "name",
    ("created_at", TIME),
    "endpoint",
    "endpoint_public_access",
    "endpoint_private_access",
    ("public_access_cidrs", SET),
    "rolearn",
    "version",
    "platform_version",
    "status",
    "audit_logging",
    ("enabled_logging_types", SET),
    ("tags", JSON),
    "authentication_mode",
    "oidc_issuer",
    "vpc_id",
    "cluster_security_group_id",
    ("subnet_ids", SET),
    ("security_group_ids", SET),
    "secrets_encrypted",
)

EKS_CLUSTER = regional_node(
    "EKSCluster",
    {"id": P("id"), **props(*_FIELDS)},
    extra_labels=("AWSEKSCluster", "ComputeCluster"),
)
