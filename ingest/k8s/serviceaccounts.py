"""KubernetesServiceAccount; IRSA annotation → ASSUMES_ROLE to the AWSRole (loaded earlier by AWS modules)."""

from __future__ import annotations

from graph.schema.k8s.serviceaccounts import KUBERNETES_SERVICE_ACCOUNT
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, epoch, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
GKE_WORKLOAD_IDENTITY_ANNOTATION = "iam.gke.io/gcp-service-account"
AZURE_WORKLOAD_IDENTITY_ANNOTATION = "azure.workload.identity/client-id"


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None  # az prints client ids lower-case; annotations may not


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "serviceaccounts")


def transform(items: Items, cluster: str) -> Transformed:
    rows = []
    for sa in items:
        meta = sa["metadata"]
        annotations = meta.get("annotations") or {}
        rows.append(
            {
                "id": f"{cluster}/{meta.get('namespace')}/{meta['name']}",  # Cartography's id
                "name": meta["name"],
                "namespace": meta.get("namespace"),
                "uid": meta.get("uid"),
                "creation_timestamp": epoch(meta.get("creationTimestamp")),
                "resource_version": meta.get("resourceVersion"),
                "automount_service_account_token": sa.get("automountServiceAccountToken"),
                "aws_role_arn": annotations.get(IRSA_ANNOTATION),
                "gcp_service_account": annotations.get(GKE_WORKLOAD_IDENTITY_ANNOTATION),
                "azure_client_id": _lower(annotations.get(AZURE_WORKLOAD_IDENTITY_ANNOTATION)),
            }
        )
    return Transformed({KUBERNETES_SERVICE_ACCOUNT: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_SERVICE_ACCOUNT],
    )


MODULE = Module("k8s", "serviceaccounts", sync, (KUBERNETES_SERVICE_ACCOUNT,))
