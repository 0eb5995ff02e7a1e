"""Cartography's RBAC model read as the ``kubectl`` item parts graph_k8s.py rebuilds (read_cluster uses it).

Cartography 0.143 flattens a (Cluster)Role's rules into three lists on the node — ``api_groups`` (``core`` for
the core group), ``resources``, ``verbs`` — and keeps a binding's subjects as ``SUBJECT`` edges to
``KubernetesServiceAccount`` / ``KubernetesUser`` / ``KubernetesGroup`` nodes. The lists become one rule:
every verb on every resource of every group, which is what the role grants when it had one rule and an upper
bound when it had several (two rules "get secrets" and "list pods" read as get/list on both). The upper
bound can only over-report access, never hide it (docs/cartography.md).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graph import driver

SUBJECTS = """
UNWIND $ids AS bid
MATCH (b {id: bid})-[:SUBJECT]->(s)
WHERE (b:KubernetesRoleBinding OR b:KubernetesClusterRoleBinding)
  AND (s:KubernetesServiceAccount OR s:KubernetesUser OR s:KubernetesGroup)
RETURN b.id AS binding, s.name AS name, s.namespace AS namespace,
       CASE WHEN s:KubernetesServiceAccount THEN 'ServiceAccount' WHEN s:KubernetesGroup THEN 'Group'
            ELSE 'User' END AS kind
ORDER BY binding, kind, namespace, name
"""


def flattened_rules(
    api_groups: list[str] | None, resources: list[str] | None, verbs: list[str] | None
) -> list[dict[str, Any]]:
    """One rule from Cartography's per-role lists (no rule when the role grants no verb or resource)."""
    if not verbs or not resources:
        return []
    groups = ["" if g == "core" else g for g in (api_groups or ["core"])]
    return [{"apiGroups": groups, "resources": list(resources), "verbs": list(verbs)}]


def binding_subjects(binding_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """{binding id: [subject as kubectl prints it]} from SUBJECT edges."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in driver.read(SUBJECTS, {"ids": binding_ids}) if binding_ids else []:
        subject = {"kind": r["kind"], "name": r["name"]}
        if r["kind"] == "ServiceAccount":
            subject["namespace"] = r["namespace"]
        out[r["binding"]].append(subject)
    return dict(out)
