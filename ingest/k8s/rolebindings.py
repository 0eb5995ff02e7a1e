"""KubernetesRoleBinding: ROLE_REF to its Role (or ClusterRole), SUBJECT to each subject."""

from __future__ import annotations

from typing import Any

from graph.schema.k8s.bindings import KUBERNETES_ROLE_BINDING
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, dumps, epoch, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "rolebindings")


def binding_row(item: dict[str, Any], cluster: str, binding_id: str, role_id: str) -> dict[str, Any]:
    """Shared with clusterrolebindings: subjects split by kind into Cartography's id lists."""
    meta, ref = item["metadata"], item.get("roleRef") or {}
    subjects = item.get("subjects") or []

    def ids(kind: str) -> list[str]:
        return sorted({f"{cluster}/{s['name']}" for s in subjects if s.get("kind") == kind and s.get("name")})

    return {
        "id": binding_id,
        "name": meta["name"],
        "namespace": meta.get("namespace"),
        "uid": meta.get("uid"),
        "creation_timestamp": epoch(meta.get("creationTimestamp")),
        "resource_version": meta.get("resourceVersion"),
        "role_name": ref.get("name"),
        "role_kind": ref.get("kind"),
        "role_id": role_id,
        # A ServiceAccount subject of a RoleBinding defaults to the binding's namespace.
        "service_account_ids": sorted(
            {
                f"{cluster}/{s.get('namespace') or meta.get('namespace')}/{s['name']}"
                for s in subjects
                if s.get("kind") == "ServiceAccount" and s.get("name")
            }
        ),
        "user_ids": ids("User"),
        "group_ids": ids("Group"),
        "subjects": dumps(subjects),
    }


def transform(items: Items, cluster: str) -> Transformed:
    rows = []
    for item in items:
        ns, ref = item["metadata"].get("namespace"), item.get("roleRef") or {}
        cluster_role = ref.get("kind") == "ClusterRole"
        role_id = f"{cluster}/{ref.get('name')}" if cluster_role else f"{cluster}/{ns}/{ref.get('name')}"
        row = binding_row(item, cluster, f"{cluster}/{ns}/{item['metadata']['name']}", role_id)
        # Exactly one of the two ROLE_REF targets is set, by roleRef.kind.
        row["_role_ref_cluster_role" if cluster_role else "_role_ref_role"] = role_id
        rows.append(row)
    return Transformed({KUBERNETES_ROLE_BINDING: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_ROLE_BINDING],
    )


MODULE = Module("k8s", "rolebindings", sync, (KUBERNETES_ROLE_BINDING,))
