"""KubernetesRole: rules flattened into ``api_groups`` / ``resources`` / ``verbs`` (Cartography) plus JSON."""

from __future__ import annotations

from typing import Any

from graph.schema.k8s.roles import KUBERNETES_ROLE
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, dumps, epoch, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "roles")


def role_row(item: dict[str, Any], role_id: str) -> dict[str, Any]:
    """Shared with clusterroles: Cartography flattens every rule into three sorted lists."""
    meta, rules = item["metadata"], item.get("rules") or []
    return {
        "id": role_id,
        "name": meta["name"],
        "namespace": meta.get("namespace"),
        "uid": meta.get("uid"),
        "creation_timestamp": epoch(meta.get("creationTimestamp")),
        "resource_version": meta.get("resourceVersion"),
        # The core API group is "" in the API; Cartography names it "core" so the list stays readable.
        "api_groups": sorted({g or "core" for r in rules for g in r.get("apiGroups") or []}),
        "resources": sorted({x for r in rules for x in r.get("resources") or []}),
        "verbs": sorted({v for r in rules for v in r.get("verbs") or []}),
        "resource_names": sorted({n for r in rules for n in r.get("resourceNames") or []}),
        "non_resource_urls": sorted({u for r in rules for u in r.get("nonResourceURLs") or []}),
        "rules": dumps(rules),
    }


def transform(items: Items, cluster: str) -> Transformed:
    rows = [role_row(r, f"{cluster}/{r['metadata'].get('namespace')}/{r['metadata']['name']}") for r in items]
    return Transformed({KUBERNETES_ROLE: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_ROLE],
    )


MODULE = Module("k8s", "roles", sync, (KUBERNETES_ROLE,))
