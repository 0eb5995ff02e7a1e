"""KubernetesUser and KubernetesGroup, gathered from the subjects of RoleBindings and ClusterRoleBindings.

One module reads both binding files (as Cartography does), so a user named only by a ClusterRoleBinding is
not swept by the RoleBinding side. Cleanup runs only when both files were collected.
"""

from __future__ import annotations

from typing import Any

from graph.schema.k8s.subjects import KUBERNETES_GROUP, KUBERNETES_USER
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import Items, collected, sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

BINDING_FILES = ("rolebindings", "clusterrolebindings")


def get(snap: Snapshot, cluster: str) -> list[Items] | None:
    found = [items for items in (snap.k8s(cluster, r) for r in BINDING_FILES) if items is not None]
    return found or None


def transform(binding_lists: list[Items], cluster: str) -> Transformed:
    names: dict[str, set[str]] = {"User": set(), "Group": set()}
    for bindings in binding_lists:
        for binding in bindings:
            for subject in binding.get("subjects") or []:
                if subject.get("kind") in names and subject.get("name"):
                    names[subject["kind"]].add(subject["name"])

    def rows(kind: str) -> list[dict[str, Any]]:
        return [{"id": f"{cluster}/{n}", "name": n, "cluster_name": cluster} for n in sorted(names[kind])]

    return Transformed({KUBERNETES_USER: rows("User"), KUBERNETES_GROUP: rows("Group")})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    both = all(collected(snap, cluster, r) for r in BINDING_FILES)
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
        [KUBERNETES_USER, KUBERNETES_GROUP],
        cleanup=both,
    )


MODULE = Module("k8s", "subjects", sync, (KUBERNETES_USER, KUBERNETES_GROUP))
