"""Kubernetes object builders shaped like `kubectl get … -o json` items (full metadata, spec, status).

A `Workload` describes a Deployment/DaemonSet/StatefulSet once; `render_pods` turns it into pods placed
on nodes. The day plan re-renders a workload after an image change, as a rolling update would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingest.sample.context import Ctx

RESTRICTED_POD = {
    "runAsNonRoot": True,
    "runAsUser": 10001,
    "fsGroup": 10001,
    "seccompProfile": {"type": "RuntimeDefault"},
}
RESTRICTED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}


@dataclass
class Node:
    name: str
    ip: str
    az: str
    subnet: Any  # aws_network.Subnet: pods take VPC CNI addresses from their node's subnet


@dataclass
class Workload:
    kind: str  # Deployment | DaemonSet | StatefulSet
    namespace: str
    name: str
    image: str
    replicas: int = 1
    service_account: str = ""  # "" → the namespace's default SA
    port: int = 8080
    pod_security: dict[str, Any] = field(default_factory=lambda: dict(RESTRICTED_POD))
    container_security: dict[str, Any] = field(default_factory=lambda: dict(RESTRICTED_CONTAINER))
    host: dict[str, bool] = field(default_factory=dict)  # hostNetwork / hostPID / hostIPC
    host_paths: dict[str, str] = field(default_factory=dict)  # volume name → host path
    automount: bool | None = None
    env: list[dict[str, Any]] = field(default_factory=list)
    extra_volumes: list[dict[str, Any]] = field(default_factory=list)
    extra_mounts: list[dict[str, Any]] = field(default_factory=list)
    generation: int = 1
    uid: str = ""
    created: str = ""
    pods: list[dict[str, Any]] = field(default_factory=list)

    @property
    def labels(self) -> dict[str, str]:
        return {"app.kubernetes.io/name": self.name, "app.kubernetes.io/part-of": self.namespace}


class ResourceVersions:
    """resourceVersion values only need to be unique and increasing; derive them from a counter."""

    def __init__(self, start: int = 1_000_000) -> None:
        self.n = start

    def next(self) -> str:
        self.n += 7
        return str(self.n)


def meta(
    ctx: Ctx,
    rv: ResourceVersions,
    name: str,
    namespace: str | None = None,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
    days_old: float = 100,
    **extra: Any,
) -> dict[str, Any]:
    m: dict[str, Any] = {"creationTimestamp": ctx.clock.k8s(days_old), "name": name}
    if namespace:
        m["namespace"] = namespace
    if labels:
        m["labels"] = labels
    if annotations:
        m["annotations"] = annotations
    m.update(extra)
    m["resourceVersion"] = rv.next()
    m["uid"] = ctx.ids.uid()
    return m


def obj(api: str, kind: str, metadata: dict[str, Any], **body: Any) -> dict[str, Any]:
    return {"apiVersion": api, "kind": kind, "metadata": metadata, **body}


def pod_spec(w: Workload, token_volume: str) -> dict[str, Any]:
    mounts = [{"mountPath": "/tmp", "name": "tmp"}, *w.extra_mounts]
    volumes: list[dict[str, Any]] = [{"emptyDir": {}, "name": "tmp"}, *w.extra_volumes]
    for vol, path in w.host_paths.items():
        volumes.append({"hostPath": {"path": path, "type": "Directory"}, "name": vol})
        mounts.append({"mountPath": f"/host{path}", "name": vol, "readOnly": True})
    if w.automount is not False and token_volume:
        # The service-account admission plugin injects this projected token volume into every pod.
        volumes.append(
            {
                "name": token_volume,
                "projected": {
                    "defaultMode": 420,
                    "sources": [
                        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                        {
                            "configMap": {
                                "items": [{"key": "ca.crt", "path": "ca.crt"}],
                                "name": "kube-root-ca.crt",
                            }
                        },
                        {
                            "downwardAPI": {
                                "items": [
                                    {
                                        "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                        "path": "namespace",
                                    }
                                ]
                            }
                        },
                    ],
                },
            }
        )
        mounts.append(
            {
                "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                "name": token_volume,
                "readOnly": True,
            }
        )
    container: dict[str, Any] = {
        "image": w.image,
        "imagePullPolicy": "Always" if w.image.endswith(":latest") else "IfNotPresent",
        "name": w.name,
        "ports": [{"containerPort": w.port, "name": "http", "protocol": "TCP"}],
        "resources": {"limits": {"memory": "512Mi"}, "requests": {"cpu": "100m", "memory": "256Mi"}},
        "securityContext": w.container_security,
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "volumeMounts": mounts,
    }
    if w.env:
        container["env"] = w.env
    sa = w.service_account or "default"
    spec: dict[str, Any] = {
        "containers": [container],
        "dnsPolicy": "ClusterFirstWithHostNet" if w.host.get("hostNetwork") else "ClusterFirst",
        "enableServiceLinks": True,
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "securityContext": w.pod_security,
        "serviceAccount": sa,
        "serviceAccountName": sa,
        "terminationGracePeriodSeconds": 30,
        "volumes": volumes,
        **w.host,
    }
    if w.automount is not None:
        spec["automountServiceAccountToken"] = w.automount
    return spec


def render_workload(
    ctx: Ctx, rv: ResourceVersions, w: Workload, nodes: list[Node], days_old: float
) -> dict[str, Any]:
    """The controller object plus its pods (stored on `w.pods`)."""
    if not w.uid:
        w.uid, w.created = ctx.ids.uid(), ctx.clock.k8s(days_old)
    template = pod_spec(w, "")
    replicas = len(nodes) if w.kind == "DaemonSet" else w.replicas
    status: dict[str, Any]
    if w.kind == "Deployment":
        spec: dict[str, Any] = {
            "progressDeadlineSeconds": 600,
            "replicas": replicas,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": w.labels},
            "strategy": {
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
                "type": "RollingUpdate",
            },
        }
        status = {
            "availableReplicas": replicas,
            "observedGeneration": w.generation,
            "readyReplicas": replicas,
            "replicas": replicas,
            "updatedReplicas": replicas,
            "conditions": [
                {
                    "lastTransitionTime": w.created,
                    "lastUpdateTime": w.created,
                    "message": "Deployment has minimum availability.",
                    "reason": "MinimumReplicasAvailable",
                    "status": "True",
                    "type": "Available",
                }
            ],
        }
        annotations = {"deployment.kubernetes.io/revision": str(w.generation)}
    elif w.kind == "DaemonSet":
        spec = {
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": w.labels},
            "updateStrategy": {
                "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1},
                "type": "RollingUpdate",
            },
        }
        status = {
            "currentNumberScheduled": replicas,
            "desiredNumberScheduled": replicas,
            "numberAvailable": replicas,
            "numberMisscheduled": 0,
            "numberReady": replicas,
            "observedGeneration": w.generation,
            "updatedNumberScheduled": replicas,
        }
        annotations = {"deprecated.daemonset.template.generation": str(w.generation)}
    else:
        spec = {
            "podManagementPolicy": "OrderedReady",
            "replicas": replicas,
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": w.labels},
            "serviceName": w.name,
            "updateStrategy": {"rollingUpdate": {"partition": 0}, "type": "RollingUpdate"},
        }
        status = {
            "availableReplicas": replicas,
            "currentReplicas": replicas,
            "observedGeneration": w.generation,
            "readyReplicas": replicas,
            "replicas": replicas,
            "updatedReplicas": replicas,
        }
        annotations = {}
    spec["template"] = {"metadata": {"creationTimestamp": None, "labels": w.labels}, "spec": template}
    m = {
        "annotations": annotations,
        "creationTimestamp": w.created,
        "generation": w.generation,
        "labels": w.labels,
        "name": w.name,
        "namespace": w.namespace,
        "resourceVersion": rv.next(),
        "uid": w.uid,
    }
    if not annotations:
        del m["annotations"]
    controller = obj("apps/v1", w.kind, m, spec=spec, status=status)
    w.pods = _pods(ctx, rv, w, nodes, replicas, days_old)
    return controller


def _pods(
    ctx: Ctx, rv: ResourceVersions, w: Workload, nodes: list[Node], count: int, days_old: float
) -> list[dict[str, Any]]:
    pods = []
    rs_hash = ctx.ids.suffix(10)
    owner_kind = {"Deployment": "ReplicaSet"}.get(w.kind, w.kind)
    owner_name = f"{w.name}-{rs_hash}" if w.kind == "Deployment" else w.name
    owner_uid = ctx.ids.uid() if w.kind == "Deployment" else w.uid
    for i in range(count):
        node = nodes[i] if w.kind == "DaemonSet" else nodes[(hash_index(w.name) + i) % len(nodes)]
        if w.kind == "StatefulSet":
            name, labels = f"{w.name}-{i}", {**w.labels, "apps.kubernetes.io/pod-index": str(i)}
        else:
            name = f"{owner_name}-{ctx.ids.suffix(5)}"
            labels = {**w.labels, "pod-template-hash": rs_hash} if w.kind == "Deployment" else dict(w.labels)
        started = ctx.clock.k8s(days_old)
        ip = node.ip if w.host.get("hostNetwork") else node.subnet.next_ip()
        spec = pod_spec(w, f"kube-api-access-{ctx.ids.suffix(5)}")
        spec.update(
            {
                "nodeName": node.name,
                "preemptionPolicy": "PreemptLowerPriority",
                "priority": 0,
                "tolerations": [
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/not-ready",
                        "operator": "Exists",
                        "tolerationSeconds": 300,
                    },
                    {
                        "effect": "NoExecute",
                        "key": "node.kubernetes.io/unreachable",
                        "operator": "Exists",
                        "tolerationSeconds": 300,
                    },
                ],
            }
        )
        repo = (
            w.image.split("@")[0].rsplit(":", 1)[0]
            if ":" in w.image.split("/")[-1]
            else w.image.split("@")[0]
        )
        digest = w.image.split("@")[1] if "@" in w.image else ctx.ids.digest()
        status = {
            "conditions": [
                {"lastProbeTime": None, "lastTransitionTime": started, "status": "True", "type": t}
                for t in (
                    "PodReadyToStartContainers",
                    "Initialized",
                    "Ready",
                    "ContainersReady",
                    "PodScheduled",
                )
            ],
            "containerStatuses": [
                {
                    "containerID": "containerd://" + ctx.ids.hex(64),
                    "image": w.image.split("@")[0],
                    "imageID": f"{repo}@{digest}",
                    "lastState": {},
                    "name": w.name,
                    "ready": True,
                    "restartCount": 0,
                    "started": True,
                    "state": {"running": {"startedAt": started}},
                }
            ],
            "hostIP": node.ip,
            "hostIPs": [{"ip": node.ip}],
            "phase": "Running",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "qosClass": "Burstable",
            "startTime": started,
        }
        m = meta(
            ctx,
            rv,
            name,
            w.namespace,
            labels,
            days_old=days_old,
            ownerReferences=[
                {
                    "apiVersion": "apps/v1",
                    "blockOwnerDeletion": True,
                    "controller": True,
                    "kind": owner_kind,
                    "name": owner_name,
                    "uid": owner_uid,
                }
            ],
        )
        if w.kind != "StatefulSet":
            m["generateName"] = f"{owner_name}-"
        pods.append(obj("v1", "Pod", m, spec=spec, status=status))
    return pods


def hash_index(name: str) -> int:
    # Stable across runs (unlike hash()), spreads workloads over nodes.
    return sum(ord(c) for c in name)
