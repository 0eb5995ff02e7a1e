"""KubernetesPod and KubernetesContainer (init containers included, flagged ``init_container``).

WORKLOAD_PARENT follows the controlling ownerReference. ReplicaSets are not collected, so a ReplicaSet
owner is resolved to its Deployment by name: the ReplicaSet is named ``<deployment>-<pod-template-hash>``.
"""

from __future__ import annotations

from typing import Any

from graph.schema.k8s.pods import KUBERNETES_CONTAINER, KUBERNETES_POD
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, dumps, labels_of, meta_row, sync_k8s
from ingest.k8s.containers import container_row
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

Row = dict[str, Any]


def get(snap: Snapshot, cluster: str) -> Items | None:
    return snap.k8s(cluster, "pods")


def _parent(pod: Row) -> Row:
    """Exactly one ``_parent_*`` key set, like Cartography: controller, else the namespace."""
    meta = pod["metadata"]
    owner = next((o for o in meta.get("ownerReferences") or [] if o.get("controller")), None)
    parent: Row = {"owner_kind": owner and owner.get("kind"), "owner_name": owner and owner.get("name")}
    kind = owner.get("kind") if owner else None
    if kind == "ReplicaSet":
        rs, pth = owner["name"], labels_of(pod).get("pod-template-hash")  # type: ignore[index]
        parent["_parent_deployment"] = (
            rs[: -len(pth) - 1] if pth and rs.endswith(f"-{pth}") else rs.rsplit("-", 1)[0]
        )
    elif kind == "StatefulSet":
        parent["_parent_statefulset"] = owner.get("uid")  # type: ignore[union-attr]
    elif kind == "DaemonSet":
        parent["_parent_daemonset"] = owner.get("uid")  # type: ignore[union-attr]
    else:  # no controller, or one we do not load (Job, custom resources)
        parent["_parent_namespace"] = meta.get("namespace")
    return parent


def _secret_names(spec: Row) -> tuple[set[str], set[str]]:
    """Names of the secrets a pod mounts as volumes and reads into its environment (never their values)."""
    volumes = {
        v["secret"]["secretName"]
        for v in spec.get("volumes") or []
        if (v.get("secret") or {}).get("secretName")
    }
    for v in spec.get("volumes") or []:
        for src in (v.get("projected") or {}).get("sources") or []:
            if (src.get("secret") or {}).get("name"):
                volumes.add(src["secret"]["name"])
    env: set[str] = set()
    for c in [
        *(spec.get("containers") or []),
        *(spec.get("initContainers") or []),
        *(spec.get("ephemeralContainers") or []),
    ]:
        env |= {
            e["valueFrom"]["secretKeyRef"]["name"]
            for e in c.get("env") or []
            if ((e.get("valueFrom") or {}).get("secretKeyRef") or {}).get("name")
        }
        env |= {
            e["secretRef"]["name"] for e in c.get("envFrom") or [] if (e.get("secretRef") or {}).get("name")
        }
    return volumes, env


def transform(items: Items, cluster: str) -> Transformed:
    pods, containers = [], []
    for pod in items:
        meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
        ns, sc = meta.get("namespace"), spec.get("securityContext") or {}
        sa = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        volumes, env = (sorted(f"{cluster}/{ns}/{n}" for n in s) for s in _secret_names(spec))
        pods.append(
            {
                **meta_row(pod),
                **_parent(pod),
                "status_phase": status.get("phase"),
                "pod_ip": status.get("podIP"),
                "service_account_name": sa,
                "service_account_id": f"{cluster}/{ns}/{sa}",
                "automount_service_account_token": spec.get("automountServiceAccountToken"),
                "host_pid": spec.get("hostPID"),
                "host_ipc": spec.get("hostIPC"),
                "host_network": spec.get("hostNetwork"),
                "seccomp_profile_type": (sc.get("seccompProfile") or {}).get("type"),
                "run_as_user": sc.get("runAsUser"),
                "run_as_non_root": sc.get("runAsNonRoot"),
                "host_path_volume_paths": sorted(
                    v["hostPath"]["path"]
                    for v in spec.get("volumes") or []
                    if (v.get("hostPath") or {}).get("path")
                ),
                "labels": dumps(labels_of(pod)),
                "node": spec.get("nodeName"),
                "node_id": f"{cluster}/{spec['nodeName']}" if spec.get("nodeName") else None,
                "secret_volume_ids": volumes,
                "secret_env_ids": env,
                "secret_ids": sorted({*volumes, *env}),
            }
        )
        statuses = {
            s.get("name"): s
            for s in [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]
        }
        for init, key in ((True, "initContainers"), (False, "containers")):
            containers += [
                container_row(pod, c, statuses.get(c["name"]) or {}, init) for c in spec.get(key) or []
            ]
    return Transformed({KUBERNETES_POD: pods, KUBERNETES_CONTAINER: containers})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_POD, KUBERNETES_CONTAINER],
    )


MODULE = Module("k8s", "pods", sync, (KUBERNETES_POD, KUBERNETES_CONTAINER))
