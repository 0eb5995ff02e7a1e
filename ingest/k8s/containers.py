"""KubernetesContainer rows (pure), built by the pods module from each pod's spec and status.

The ``run_as_*`` properties are the container's own securityContext (Cartography's meaning); the
``effective_*`` ones apply Kubernetes' rule that the pod-level securityContext fills what the container
leaves unset. Image references are split into registry / repository / tag / digest for the image controls.
"""

from __future__ import annotations

from typing import Any

from ingest.k8s.common import dumps, parse_image

Row = dict[str, Any]


def container_row(pod: Row, c: Row, status: Row, init: bool) -> Row:
    meta, pod_sc = pod["metadata"], (pod.get("spec") or {}).get("securityContext") or {}
    sc, res = c.get("securityContext") or {}, c.get("resources") or {}
    registry, repository, tag, digest = parse_image(c.get("image") or "")
    ports = c.get("ports") or []
    image_id = status.get("imageID") or None
    return {
        "id": f"{meta['uid']}-{c['name']}",  # Cartography's container id
        "name": c["name"],
        "namespace": meta.get("namespace"),
        "pod_id": meta["uid"],
        "image": c.get("image"),
        "image_pull_policy": c.get("imagePullPolicy"),
        "init_container": init,
        "image_registry": registry,
        "image_repository": repository,
        "image_tag": tag,
        "image_digest": digest,
        "status_image_id": image_id,
        "status_image_sha": image_id.split("@", 1)[1] if image_id and "@" in image_id else None,
        "status_ready": status.get("ready"),
        "status_started": status.get("started"),
        "status_state": next(iter(status.get("state") or {}), None),
        "memory_request": (res.get("requests") or {}).get("memory"),
        "cpu_request": (res.get("requests") or {}).get("cpu"),
        "memory_limit": (res.get("limits") or {}).get("memory"),
        "cpu_limit": (res.get("limits") or {}).get("cpu"),
        # Written even when unset (Kubernetes' default, false): absence then means "not collected", which
        # the controls report as unknown (control.yaml `requires`), never as a pass.
        "privileged": bool(sc.get("privileged")),
        "allow_privilege_escalation": sc.get("allowPrivilegeEscalation"),
        "read_only_root_filesystem": sc.get("readOnlyRootFilesystem"),
        "run_as_user": sc.get("runAsUser"),
        "run_as_non_root": sc.get("runAsNonRoot"),
        # The container's own value wins; otherwise the pod's securityContext applies (Kubernetes' rule).
        "effective_run_as_user": sc["runAsUser"]
        if sc.get("runAsUser") is not None
        else pod_sc.get("runAsUser"),
        "effective_run_as_non_root": bool(
            sc["runAsNonRoot"] if sc.get("runAsNonRoot") is not None else pod_sc.get("runAsNonRoot")
        ),
        "seccomp_profile_type": (sc.get("seccompProfile") or {}).get("type"),
        "added_capabilities": sorted((sc.get("capabilities") or {}).get("add") or []),
        "dropped_capabilities": sorted((sc.get("capabilities") or {}).get("drop") or []),
        "host_ports": sorted(p["hostPort"] for p in ports if p.get("hostPort") is not None),
        "container_ports": dumps(
            [
                {
                    "container_port": p.get("containerPort"),
                    "protocol": p.get("protocol"),
                    "name": p.get("name"),
                }
                for p in ports
            ]
        ),
        "container_port_numbers": sorted(
            {
                p["containerPort"]
                for p in ports
                if p.get("containerPort") is not None and p.get("protocol", "TCP") in ("TCP", "UDP")
            }
        ),
    }
