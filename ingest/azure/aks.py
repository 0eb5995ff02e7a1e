"""AKS clusters (``aks list``): API server exposure (``apiServerAccessProfile``), local accounts, RBAC,
Entra integration, workload identity / OIDC issuer and the cluster and kubelet identities."""

from __future__ import annotations

from typing import Any

from graph.schema.azure.compute import AZURE_KUBERNETES_CLUSTER
from ingest.azure.common import Item, arm, base, read_list, rows_each, sync_azure
from ingest.azure.vms import identity_fields
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def _cluster(item: Item) -> dict[str, Any]:
    access = item.get("apiServerAccessProfile") or {}
    aad = item.get("aadProfile")
    security = item.get("securityProfile") or {}
    kubelet = ((item.get("identityProfile") or {}).get("kubeletidentity") or {}).get("resourceId")
    return {
        **base(item),
        **identity_fields(item.get("identity")),
        "fqdn": item.get("fqdn"),
        "private_fqdn": item.get("privateFqdn"),
        "kubernetes_version": item.get("currentKubernetesVersion") or item.get("kubernetesVersion"),
        "node_resource_group": item.get("nodeResourceGroup"),
        "network_policy": (item.get("networkProfile") or {}).get("networkPolicy"),
        "enable_rbac": item.get("enableRbac", item.get("enableRBAC")),  # az's name / the REST name
        "aad_managed": bool(aad and aad.get("managed")),
        "azure_rbac": bool(aad and aad.get("enableAzureRbac")),
        "disable_local_accounts": bool(item.get("disableLocalAccounts")),
        "private_cluster": bool(access.get("enablePrivateCluster")),
        "authorized_ip_ranges": list(
            access.get("authorizedIpRanges") or access.get("authorizedIPRanges") or []
        ),
        "oidc_issuer_url": (item.get("oidcIssuerProfile") or {}).get("issuerUrl"),
        "workload_identity_enabled": bool((security.get("workloadIdentity") or {}).get("enabled")),
        "kubelet_identity_id": arm(kubelet),
    }


def transform(items: list[Item]) -> Transformed:
    errors: list[str] = []
    return Transformed({AZURE_KUBERNETES_CLUSTER: rows_each(items, _cluster, errors, "aks list")}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    return sync_azure(MODULE, snap, ctx, scope, lambda: read_list(snap, scope, "aks", "list"), transform)


MODULE = Module("azure", "aks", sync, (AZURE_KUBERNETES_CLUSTER,), regional=True)
