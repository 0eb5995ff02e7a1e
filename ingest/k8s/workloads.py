"""Workload controllers — KubernetesDeployment, KubernetesDaemonSet, KubernetesStatefulSet — from one table.

The three differ only in their file, their schema and which ``spec`` / ``status`` counters they keep; the
shared fields (metadata, selector, pod-template images and service account) come from ``workload_row``.
Pods reach their controller through the ReplicaSet name or ownerReferences (see ingest/k8s/pods.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from graph.schema.k8s.daemonsets import KUBERNETES_DAEMONSET
from graph.schema.k8s.deployments import KUBERNETES_DEPLOYMENT
from graph.schema.k8s.statefulsets import KUBERNETES_STATEFULSET
from graph.schema.model import NodeSchema
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, dumps, labels_of, meta_row, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot


@dataclass(frozen=True)
class Workload:
    resource: str  # the kubectl resource: snapshot file k8s/<cluster>/<resource>.json and module name
    schema: NodeSchema
    spec: Mapping[str, str]  # row property -> .spec field
    status: Mapping[str, str]  # row property -> .status field


DEPLOYMENT = Workload(
    "deployments",
    KUBERNETES_DEPLOYMENT,
    {"replicas": "replicas"},
    {"ready_replicas": "readyReplicas", "available_replicas": "availableReplicas"},
)
DAEMONSET = Workload(
    "daemonsets",
    KUBERNETES_DAEMONSET,
    {},
    {"desired_number_scheduled": "desiredNumberScheduled", "number_ready": "numberReady"},
)
STATEFULSET = Workload(
    "statefulsets",
    KUBERNETES_STATEFULSET,
    {"replicas": "replicas", "service_name": "serviceName"},
    {"ready_replicas": "readyReplicas"},
)


def workload_row(item: Mapping[str, Any]) -> dict[str, Any]:
    """Fields every workload controller shares, including its pod template's images."""
    spec = item.get("spec") or {}
    pod_spec = (spec.get("template") or {}).get("spec") or {}
    containers = [*(pod_spec.get("initContainers") or []), *(pod_spec.get("containers") or [])]
    return {
        **meta_row(item),
        "labels": dumps(labels_of(item)),
        "selector": dumps(spec.get("selector") or {}),
        "generation": item["metadata"].get("generation"),
        "images": [c.get("image") for c in containers if c.get("image")],
        "service_account_name": pod_spec.get("serviceAccountName") or pod_spec.get("serviceAccount"),
    }


def transform(kind: Workload, items: Items) -> Transformed:
    rows = []
    for item in items:
        spec, status = item.get("spec") or {}, item.get("status") or {}
        rows.append(
            {
                **workload_row(item),
                **{prop: spec.get(field) for prop, field in kind.spec.items()},
                **{prop: status.get(field) for prop, field in kind.status.items()},
            }
        )
    return Transformed({kind.schema: rows})


def _module(kind: Workload) -> Module:
    def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
        get = partial(snap.k8s, scope.owner, kind.resource)
        return sync_k8s(module, snap, ctx, scope, get, partial(transform, kind))

    module = Module("k8s", kind.resource, sync, (kind.schema,))
    return module


DEPLOYMENTS, DAEMONSETS, STATEFULSETS = (_module(k) for k in (DEPLOYMENT, DAEMONSET, STATEFULSET))
