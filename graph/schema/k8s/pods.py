"""KubernetesPod and KubernetesContainer (Cartography labels, keys and relationships).

A pod has exactly one WORKLOAD_PARENT, like Cartography: its Deployment (through the ReplicaSet, which we
do not collect), StatefulSet or DaemonSet, else its namespace. The row's ``_parent_*`` fields pick which.
"""

from graph.schema.k8s.common import (
    CLUSTER_NAME,
    NAMESPACED,
    cluster_resource,
    namespace_rel,
    workload_parent_namespace,
)
from graph.schema.model import JSON, NUMBER, SET, C, Direction, NodeSchema, P, RelSchema


def _to_secret(rel_type: str, source: str) -> RelSchema:
    return RelSchema(rel_type, "KubernetesSecret", {"composite_id": P(source)}, many=True)


KUBERNETES_POD = NodeSchema(
    "KubernetesPod",
    {
        "id": P("id"),
        **NAMESPACED,
        "status_phase": P("status_phase"),
        "service_account_name": P("service_account_name"),
        "automount_service_account_token": P("automount_service_account_token"),
        "host_pid": P("host_pid"),
        "host_ipc": P("host_ipc"),
        "host_network": P("host_network", index=True),
        "seccomp_profile_type": P("seccomp_profile_type"),
        "host_path_volume_paths": P("host_path_volume_paths", kind=SET),
        "labels": P("labels", kind=JSON),
        "node": P("node"),
        # invgraph additions (docs/schema/kubernetes.md): pod-level securityContext, IP and controller.
        "run_as_user": P("run_as_user", kind=NUMBER),
        "run_as_non_root": P("run_as_non_root"),
        "pod_ip": P("pod_ip"),
        "owner_kind": P("owner_kind"),
        "owner_name": P("owner_name"),
    },
    sub_resource=cluster_resource(),
    relationships=(
        namespace_rel(),  # Cartography keeps this deprecated CONTAINS next to WORKLOAD_PARENT
        workload_parent_namespace("_parent_namespace"),
        # ReplicaSets are not collected: the Deployment is found by name (ReplicaSet name minus its
        # pod-template-hash suffix) within the pod's cluster and namespace.
        RelSchema(
            "WORKLOAD_PARENT",
            "KubernetesDeployment",
            {"cluster_name": C(CLUSTER_NAME), "namespace": P("namespace"), "name": P("_parent_deployment")},
        ),
        RelSchema("WORKLOAD_PARENT", "KubernetesStatefulSet", {"id": P("_parent_statefulset")}),
        RelSchema("WORKLOAD_PARENT", "KubernetesDaemonSet", {"id": P("_parent_daemonset")}),
        RelSchema("RUNS_ON", "KubernetesNode", {"id": P("node_id")}),
        RelSchema("USES_SERVICE_ACCOUNT", "KubernetesServiceAccount", {"id": P("service_account_id")}),
        RelSchema("RUNS_AS", "KubernetesServiceAccount", {"id": P("service_account_id")}),
        _to_secret("USES_SECRET_VOLUME", "secret_volume_ids"),
        _to_secret("USES_SECRET_ENV", "secret_env_ids"),
        _to_secret("USES_SECRET", "secret_ids"),
    ),
    extra_labels=("ComputePod",),
)

KUBERNETES_CONTAINER = NodeSchema(
    "KubernetesContainer",
    {
        "id": P("id"),
        "name": P("name", index=True),
        "namespace": P("namespace"),
        "cluster_name": C(CLUSTER_NAME),
        "pod_id": P("pod_id"),
        "image": P("image", index=True),
        "image_pull_policy": P("image_pull_policy"),
        "status_image_id": P("status_image_id"),
        "status_image_sha": P("status_image_sha"),
        "status_ready": P("status_ready"),
        "status_started": P("status_started"),
        "status_state": P("status_state"),
        "memory_request": P("memory_request"),
        "cpu_request": P("cpu_request"),
        "memory_limit": P("memory_limit"),
        "cpu_limit": P("cpu_limit"),
        "allow_privilege_escalation": P("allow_privilege_escalation"),
        "run_as_non_root": P("run_as_non_root"),
        "run_as_user": P("run_as_user", kind=NUMBER),
        "seccomp_profile_type": P("seccomp_profile_type"),
        "added_capabilities": P("added_capabilities", kind=SET),
        "dropped_capabilities": P("dropped_capabilities", kind=SET),
        "host_ports": P("host_ports", kind=SET),
        "container_ports": P("container_ports", kind=JSON),
        "container_port_numbers": P("container_port_numbers", kind=SET),
        # invgraph additions (docs/schema/kubernetes.md).
        "privileged": P("privileged", index=True),
        "read_only_root_filesystem": P("read_only_root_filesystem"),
        "effective_run_as_user": P("effective_run_as_user", kind=NUMBER),
        "effective_run_as_non_root": P("effective_run_as_non_root"),
        "image_registry": P("image_registry"),
        "image_repository": P("image_repository"),
        "image_tag": P("image_tag"),
        "image_digest": P("image_digest"),
        "init_container": P("init_container"),
    },
    sub_resource=cluster_resource(),
    relationships=(
        namespace_rel(),
        RelSchema("CONTAINS", "KubernetesPod", {"id": P("pod_id")}, Direction.INWARD),
        RelSchema("WORKLOAD_PARENT", "KubernetesPod", {"id": P("pod_id")}),
    ),
    extra_labels=("Container",),
)
