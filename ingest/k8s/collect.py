"""`invgraph collect k8s`: list every resource we read and write it as `kubectl get <r> -A -o json` would.

Files land in ``<out>/k8s/<cluster-name>/<resource>.json`` (docs/snapshot-format.md). The cluster name is the
kubeconfig context's cluster; an EKS ARN (``arn:aws:eks:…:cluster/<name>``) becomes its last path part, the
EKS cluster name.

Responses are read raw (``_preload_content=False``) instead of through the client's models: kubectl prints
the API server's JSON as is, while a model round-trip drops fields the client version does not know and
raises on some valid objects (kubernetes-client/python#577, #895). Each item gets ``apiVersion``/``kind``, as
kubectl adds them. A resource that fails (401/403, timeout, any API error) is not written and its error is
returned: not collected, so ingestion keeps the previous data instead of deleting it.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kubernetes import client, config
from kubernetes.client.exceptions import ApiException
from urllib3.exceptions import HTTPError

from ingest.k8s.secrets import redact

log = logging.getLogger("invgraph.collect.k8s")
PAGE_SIZE = 500
TIMEOUT = (10, 60)  # connect, read seconds per page

# resource → (API class, list method, apiVersion, kind); the order the files are written in.
RESOURCES: dict[str, tuple[type, str, str, str]] = {
    "namespaces": (client.CoreV1Api, "list_namespace", "v1", "Namespace"),
    "nodes": (client.CoreV1Api, "list_node", "v1", "Node"),
    "pods": (client.CoreV1Api, "list_pod_for_all_namespaces", "v1", "Pod"),
    "services": (client.CoreV1Api, "list_service_for_all_namespaces", "v1", "Service"),
    "serviceaccounts": (client.CoreV1Api, "list_service_account_for_all_namespaces", "v1", "ServiceAccount"),
    "secrets": (client.CoreV1Api, "list_secret_for_all_namespaces", "v1", "Secret"),
    "deployments": (client.AppsV1Api, "list_deployment_for_all_namespaces", "apps/v1", "Deployment"),
    "daemonsets": (client.AppsV1Api, "list_daemon_set_for_all_namespaces", "apps/v1", "DaemonSet"),
    "statefulsets": (client.AppsV1Api, "list_stateful_set_for_all_namespaces", "apps/v1", "StatefulSet"),
    "ingresses": (
        client.NetworkingV1Api,
        "list_ingress_for_all_namespaces",
        "networking.k8s.io/v1",
        "Ingress",
    ),
    "networkpolicies": (
        client.NetworkingV1Api,
        "list_network_policy_for_all_namespaces",
        "networking.k8s.io/v1",
        "NetworkPolicy",
    ),
    "roles": (
        client.RbacAuthorizationV1Api,
        "list_role_for_all_namespaces",
        "rbac.authorization.k8s.io/v1",
        "Role",
    ),
    "clusterroles": (
        client.RbacAuthorizationV1Api,
        "list_cluster_role",
        "rbac.authorization.k8s.io/v1",
        "ClusterRole",
    ),
    "rolebindings": (
        client.RbacAuthorizationV1Api,
        "list_role_binding_for_all_namespaces",
        "rbac.authorization.k8s.io/v1",
        "RoleBinding",
    ),
    "clusterrolebindings": (
        client.RbacAuthorizationV1Api,
        "list_cluster_role_binding",
        "rbac.authorization.k8s.io/v1",
        "ClusterRoleBinding",
    ),
}


class CollectError(RuntimeError):
    """The kubeconfig or context cannot be used at all (nothing was collected)."""


def cluster_name(context: str | None, config_file: str | None = None) -> str:
    """The kubeconfig context's cluster name; an EKS ARN becomes the EKS cluster name."""
    try:
        contexts, active = config.list_kube_config_contexts(config_file=config_file)
    except (config.ConfigException, OSError) as exc:
        raise CollectError(f"kubeconfig: {exc}") from exc
    chosen = next((c for c in contexts if c["name"] == context), None) if context else active
    if not chosen:
        raise CollectError(f"kubeconfig has no context {context!r}")
    name = str(chosen["context"].get("cluster") or chosen["name"])
    if name.startswith("arn:") and "/" in name:
        name = name.rsplit("/", 1)[-1]
    return name.replace(os.sep, "_")


def _list_all(method: Callable[..., Any]) -> list[dict[str, Any]]:
    """Every item across pages, as the API server's JSON."""
    items: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"limit": PAGE_SIZE, "_preload_content": False, "_request_timeout": TIMEOUT}
        if token:
            kwargs["_continue"] = token
        body = json.loads(method(**kwargs).data)
        items.extend(body.get("items") or [])
        token = (body.get("metadata") or {}).get("continue")
        if not token:
            return items


def _write(path: Path, doc: dict[str, Any]) -> None:
    """Atomic write: a reader never sees half a file (a half file would look collected)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=4, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, path)


def collect_k8s(out: Path, context: str | None, config_file: str | None = None) -> list[str]:
    """Collect one cluster into ``out``; return one error per resource that was not written."""
    # The client reads $KUBECONFIG once, at import; read it now so the caller's environment counts.
    config_file = config_file or os.environ.get("KUBECONFIG") or None
    name = cluster_name(context, config_file)
    try:
        api_client = config.new_client_from_config(config_file=config_file, context=context)
    except (config.ConfigException, OSError) as exc:
        raise CollectError(f"kubeconfig: {exc}") from exc
    folder = out / "k8s" / name
    errors: list[str] = []
    with api_client:
        apis: dict[type, Any] = {}
        for resource, (api_cls, method, api_version, kind) in RESOURCES.items():
            api = apis.setdefault(api_cls, api_cls(api_client))
            try:
                items = _list_all(getattr(api, method))
            except ApiException as exc:
                # Status and reason only: a response body is not ours to copy into logs.
                errors.append(f"k8s/{name}/{resource}: HTTP {exc.status} {exc.reason} (not collected)")
                continue
            except (HTTPError, OSError, ValueError) as exc:
                errors.append(f"k8s/{name}/{resource}: {type(exc).__name__}: {exc} (not collected)")
                continue
            if resource == "secrets":
                items = [redact(i) for i in items]
            items = [{**i, "apiVersion": api_version, "kind": kind} for i in items]
            _write(
                folder / f"{resource}.json",
                {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}},
            )
    for err in errors:
        log.warning(err)
    return errors
