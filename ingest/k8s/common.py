"""Helpers every Kubernetes module shares: the cluster context, the sync wrapper, small pure transforms.

The cluster id is Cartography's: the uid of the ``kube-system`` namespace, read from ``namespaces.json``.
Without it nothing can be attributed to the right cluster, so a module whose own file is present but whose
cluster cannot be identified *fails* (previous data kept, no cleanup) instead of loading under a made-up id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from graph.schema.k8s.common import CLUSTER_ID, CLUSTER_NAME
from graph.schema.model import NodeSchema
from ingest.core import Getter, ModuleResult, RunContext, Transformer, sync_resource
from ingest.module import Module, Scope
from ingest.sources.errors import InputError
from ingest.sources.snapshot import Snapshot

Items = list[dict[str, Any]]


def collected(snap: Snapshot, cluster: str, resource: str) -> bool:
    """Whether ``<resource>.json`` exists, without reading (or claiming) it."""
    return (snap.root / "k8s" / cluster / f"{resource}.json").is_file()


def cluster_id(snap: Snapshot, cluster: str) -> str:
    namespaces = snap.k8s(cluster, "namespaces")
    for ns in namespaces or []:
        if ns["metadata"]["name"] == "kube-system" and ns["metadata"].get("uid"):
            return str(ns["metadata"]["uid"])
    raise InputError(
        str(snap.root / "k8s" / cluster / "namespaces.json"),
        "cannot identify the cluster: the file is absent or has no kube-system namespace "
        "(its uid is the cluster id)",
        "items[kube-system].metadata.uid",
    )


def sync_k8s(
    module: Module,
    snap: Snapshot,
    ctx: RunContext,
    scope: Scope,
    get: Getter,
    transform: Transformer,
    schemas: Sequence[NodeSchema] | None = None,
    *,
    context: Mapping[str, Any] | None = None,
    cleanup: bool = True,
) -> ModuleResult:
    """``sync_resource`` in one cluster, the cluster id resolved only once the module's own input exists
    (and only for schemas owned by the cluster: the cluster node itself has no owner)."""
    chosen = module.schemas if schemas is None else schemas
    owner: dict[str, Any] = {CLUSTER_NAME: scope.owner, **(context or {})}

    def _get() -> Any:
        raw = get()
        if raw is not None and any(s.sub_resource is not None for s in chosen):
            # sync_resource reads ``context`` at load time, after get: filling it here is enough.
            owner[CLUSTER_ID] = cluster_id(snap, scope.owner)
        return raw

    return sync_resource(module.id, str(scope), ctx, _get, transform, chosen, owner, cleanup)


# -- pure helpers --------------------------------------------------------------------------------------
def epoch(ts: str | None) -> int | None:
    """RFC 3339 → epoch seconds, as Cartography stores Kubernetes timestamps."""
    if not ts:
        return None
    return int(datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp())


def dumps(value: Any) -> str:
    """Stable JSON for map/list fields (sorted keys, so an unchanged object keeps its fingerprint)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def meta_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata fields every namespaced row carries."""
    meta = item["metadata"]
    return {
        # The merge key (the loader reads the row's "id"): the object's uid, as Cartography.
        "id": meta.get("uid") or f"{meta.get('namespace')}/{meta['name']}",
        "name": meta["name"],
        "namespace": meta.get("namespace"),
        "creation_timestamp": epoch(meta.get("creationTimestamp")),
        "deletion_timestamp": epoch(meta.get("deletionTimestamp")),
    }


def labels_of(item: Mapping[str, Any]) -> dict[str, str]:
    return dict(item["metadata"].get("labels") or {})


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """Kubernetes LabelSelector semantics (matchLabels AND matchExpressions); unknown operators fail
    closed."""
    selector = selector or {}
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        present = key in labels
        ok = {
            "In": present and labels.get(key) in values,
            "NotIn": not (present and labels.get(key) in values),
            "Exists": present,
            "DoesNotExist": not present,
        }.get(op, False)
        if not ok:
            return False
    return True


def pods_by_namespace(pods: Items | None) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """namespace → [(pod uid, labels)], for the selectors services and network policies evaluate."""
    out: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for pod in pods or []:
        meta = pod["metadata"]
        out.setdefault(meta.get("namespace") or "", []).append((meta.get("uid"), labels_of(pod)))
    return out


def parse_image(ref: str) -> tuple[str, str, str | None, str | None]:
    """``[registry/]repository[:tag][@digest]`` → (registry, repository, tag, digest), Docker's rules.

    A reference with neither tag nor digest gets tag ``latest``: that is what the runtime pulls.
    """
    name, _, digest = ref.partition("@")
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        registry, repository = first, rest
    else:
        registry, repository = "docker.io", name
    tag = None
    if ":" in repository.rsplit("/", 1)[-1]:
        repository, tag = repository.rsplit(":", 1)
    if registry == "docker.io" and "/" not in repository:
        repository = f"library/{repository}"
    if tag is None and not digest:
        tag = "latest"
    return registry, repository, tag, digest or None
