"""KubernetesSecret: metadata and type only.

``data`` and ``stringData`` are dropped in ``get``, before anything else sees the object, and so is the
``kubectl.kubernetes.io/last-applied-configuration`` annotation: ``kubectl apply`` stores the whole
manifest there, values included. The live collector applies the same ``redact`` before writing.
"""

from __future__ import annotations

from typing import Any

from graph.schema.k8s.secrets import KUBERNETES_SECRET
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, dumps, meta_row, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

SECRET_VALUE_FIELDS = ("data", "stringData")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def redact(secret: dict[str, Any]) -> dict[str, Any]:
    """The secret without anything that can hold a value. Shared with the live collector."""
    out = {k: v for k, v in secret.items() if k not in SECRET_VALUE_FIELDS}
    meta = out.get("metadata")
    if (
        isinstance(meta, dict)
        and isinstance(meta.get("annotations"), dict)
        and LAST_APPLIED in meta["annotations"]
    ):
        annotations = {k: v for k, v in meta["annotations"].items() if k != LAST_APPLIED}
        out["metadata"] = {**meta, "annotations": annotations}
    return out


def get(snap: Snapshot, cluster: str) -> Items | None:
    items = snap.k8s(cluster, "secrets")
    return None if items is None else [redact(s) for s in items]


def transform(items: Items, cluster: str) -> Transformed:
    rows = []
    for secret in items:
        row = meta_row(secret)
        owners = secret["metadata"].get("ownerReferences")
        rows.append(
            {
                **row,
                "composite_id": f"{cluster}/{row['namespace']}/{row['name']}",
                "type": secret.get("type"),
                "owner_references": dumps(owners) if owners else None,
            }
        )
    return Transformed({KUBERNETES_SECRET: rows})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_SECRET],
    )


MODULE = Module("k8s", "secrets", sync, (KUBERNETES_SECRET,))
