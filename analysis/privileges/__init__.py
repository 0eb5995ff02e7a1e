"""Effective-permission engine for AWS IAM, Kubernetes RBAC, GCP IAM and Azure RBAC, and its post-ingest step.

The engine modules exported here are pure Python: inputs are the JSON documents the providers' CLIs
print; outputs are canonical, hashable, diffable permission sets plus named risk findings (see each
module's docstring for its canonical form). The modules that read their inputs from the graph and write
the results back (graph_aws / graph_k8s / graph_gcp / graph_azure, cartography_*, guardrails,
gcp_org_policy, store, steps, creep) use the Neo4j driver.
"""

from analysis.privileges.aws import batch_mode, effective_permissions
from analysis.privileges.aws_model import EffectivePermissions, Entry
from analysis.privileges.aws_trust import Principal, assumable_by, transitive_assume
from analysis.privileges.azure import AzurePermissions, azure_permissions
from analysis.privileges.diff import changes, diff
from analysis.privileges.escalation import escalation_paths, is_admin
from analysis.privileges.findings import Finding
from analysis.privileges.gcp import GcpPermissions, gcp_findings, gcp_permissions
from analysis.privileges.k8s import K8sPermissions, k8s_permissions, with_groups
from analysis.privileges.k8s_findings import k8s_findings

__all__ = [
    "AzurePermissions",
    "EffectivePermissions",
    "Entry",
    "Finding",
    "GcpPermissions",
    "K8sPermissions",
    "Principal",
    "assumable_by",
    "azure_permissions",
    "batch_mode",
    "changes",
    "diff",
    "effective_permissions",
    "escalation_paths",
    "gcp_findings",
    "gcp_permissions",
    "is_admin",
    "k8s_findings",
    "k8s_permissions",
    "transitive_assume",
    "with_groups",
]
