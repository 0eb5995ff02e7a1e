"""Effective Kubernetes RBAC permissions per subject, from ``kubectl get roles,clusterroles,
rolebindings,clusterrolebindings -o json`` items.

Canonical form: per subject (``User:alice``, ``Group:system:masters``, ``ServiceAccount:ns/name``) a
sorted tuple of ``K8sEntry(verb, api_group, resource, namespace, resource_names)``. ``namespace`` is
``*`` for grants through a ClusterRoleBinding; a RoleBinding scopes even a ClusterRole to its own
namespace. Non-resource URLs (only grantable through ClusterRoleBindings) are entries with
``non_resource_url`` set, rendered ``get url:/healthz``. Wildcards are kept as ``*`` and entries
covered by a wildcard entry are dropped. Rendered as ``"get secrets in *"``; a non-core group is
shown kubectl-style (``deployments.apps``); names as `` named a,b``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import product
from typing import Any, NamedTuple

from analysis.privileges.globs import sha256_lines

K8sObject = Mapping[str, Any]


class K8sEntry(NamedTuple):
    verb: str
    api_group: str
    resource: str
    namespace: str
    resource_names: tuple[str, ...] = ()
    non_resource_url: bool = False

    def as_string(self) -> str:
        if self.non_resource_url:
            return f"{self.verb} url:{self.resource}"
        shown = self.resource if self.api_group == "" else f"{self.resource}.{self.api_group}"
        text = f"{self.verb} {shown} in {self.namespace}"
        return text + (f" named {','.join(self.resource_names)}" if self.resource_names else "")


def _resource_matches(rule_resource: str, requested: str) -> bool:
    # Mirrors the API server: "*" matches everything (incl. subresources), "*/scale" any scale.
    if rule_resource in ("*", requested):
        return True
    return "/" in requested and rule_resource == "*/" + requested.split("/", 1)[1]


class K8sPermissions:
    """What one subject may do, with the role bindings that grant it."""

    __slots__ = ("subject", "entries", "bound_roles", "_sha256")

    def __init__(self, subject: str, entries: Iterable[K8sEntry], bound_roles: Iterable[str] = ()) -> None:
        self.subject = subject
        self.entries: tuple[K8sEntry, ...] = tuple(sorted(set(entries)))
        self.bound_roles: tuple[str, ...] = tuple(sorted(set(bound_roles)))
        self._sha256: str | None = None

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = sha256_lines(json.dumps(list(e), separators=(",", ":")) for e in self.entries)
        return self._sha256

    def entries_as_strings(self) -> list[str]:
        return [e.as_string() for e in self.entries]

    def matching(
        self,
        verb: str,
        resource: str,
        namespace: str | None = None,
        api_group: str = "",
        name: str | None = None,
    ) -> list[K8sEntry]:
        """Entries granting the request; ``namespace=None`` means "in any namespace"."""
        return [
            e
            for e in self.entries
            if not e.non_resource_url
            and e.verb in ("*", verb)
            and e.api_group in ("*", api_group)
            and _resource_matches(e.resource, resource)
            and (namespace is None or e.namespace in ("*", namespace))
            and (not e.resource_names or (name is not None and name in e.resource_names))
        ]

    def allows(
        self, verb: str, resource: str, namespace: str, api_group: str = "", name: str | None = None
    ) -> bool:
        """May the subject do ``verb`` on ``resource`` in ``namespace`` (``*`` = cluster-wide)?"""
        return bool(self.matching(verb, resource, namespace, api_group, name))

    def allows_url(self, verb: str, path: str) -> bool:
        """May the subject ``verb`` a non-resource URL (``/healthz``; ``/logs/*`` prefix rules)?"""
        return any(
            e.non_resource_url
            and e.verb in ("*", verb)
            and (e.resource == path or (e.resource.endswith("*") and path.startswith(e.resource[:-1])))
            for e in self.entries
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, K8sPermissions) and (self.subject, self.entries) == (
            other.subject,
            other.entries,
        )

    def __hash__(self) -> int:
        return hash((self.subject, self.entries))

    def __repr__(self) -> str:
        return f"K8sPermissions({self.subject!r}, {len(self.entries)} entries)"


def _labels_match(labels: Mapping[str, str], selector: Mapping[str, Any]) -> bool:
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        ok = {
            "In": key in labels and labels[key] in values,
            "NotIn": key not in labels or labels[key] not in values,
            "Exists": key in labels,
            "DoesNotExist": key not in labels,
        }.get(op, False)
        if not ok:
            return False
    return True


def _rule_key(rule: Mapping[str, Any]) -> str:
    return json.dumps(rule, sort_keys=True)


def aggregate_cluster_roles(cluster_roles: Mapping[str, K8sObject]) -> dict[str, list[dict[str, Any]]]:
    """Rules per ClusterRole with aggregation applied (to a fixpoint: ``admin`` aggregates ``edit``,
    which itself aggregates labelled roles), as the API server's aggregation controller does."""
    rules = {name: list(obj.get("rules") or []) for name, obj in cluster_roles.items()}
    aggregating = {n: o["aggregationRule"] for n, o in cluster_roles.items() if o.get("aggregationRule")}
    for _ in range(len(aggregating) + 1):
        changed = False
        for name, agg in aggregating.items():
            seen = {_rule_key(r) for r in rules[name]}
            for other, obj in cluster_roles.items():
                labels = (obj.get("metadata") or {}).get("labels") or {}
                if other == name or not any(
                    _labels_match(labels, s) for s in agg.get("clusterRoleSelectors") or []
                ):
                    continue
                for rule in rules[other]:
                    if _rule_key(rule) not in seen:
                        seen.add(_rule_key(rule))
                        rules[name].append(rule)
                        changed = True
        if not changed:
            break
    return rules


def _entries(rules: Iterable[Mapping[str, Any]], namespace: str, cluster_wide: bool) -> set[K8sEntry]:
    out: set[K8sEntry] = set()
    for rule in rules:
        verbs = list(rule.get("verbs") or [])
        names = tuple(sorted(rule.get("resourceNames") or []))
        for verb, group, resource in product(verbs, rule.get("apiGroups") or [], rule.get("resources") or []):
            out.add(K8sEntry(verb, group, resource, namespace, names))
        if cluster_wide:  # the API server ignores nonResourceURLs in roles bound per namespace
            out.update(
                K8sEntry(v, "", url, "*", (), True)
                for v in verbs
                for url in rule.get("nonResourceURLs") or []
            )
    return out


def _prune(entries: set[K8sEntry]) -> set[K8sEntry]:
    kept = set()
    for e in entries:
        groups = {e.api_group} if e.non_resource_url else {e.api_group, "*"}
        covers = product(
            {e.verb, "*"},
            groups,
            {e.resource, "*"},
            {e.namespace, "*"},
            {e.resource_names, ()},
            {e.non_resource_url},
        )
        if not any(K8sEntry(*c) != e and K8sEntry(*c) in entries for c in covers):
            kept.add(e)
    return kept


def subject_key(subject: Mapping[str, Any], binding_namespace: str | None) -> str:
    kind, name = subject.get("kind", ""), subject.get("name", "")
    if kind == "ServiceAccount":
        return f"ServiceAccount:{subject.get('namespace') or binding_namespace}/{name}"
    return f"{kind}:{name}"


def k8s_permissions(items: Iterable[K8sObject] | K8sObject) -> dict[str, K8sPermissions]:
    """Effective permissions of every subject named by a binding, keyed by subject key.

    ``items`` is the ``items`` list (or the whole ``List`` object). Bindings whose role does not
    exist grant nothing (the API server does the same).
    """
    if isinstance(items, Mapping):
        items = items.get("items") or []
    roles: dict[tuple[str, str], list[Any]] = {}
    cluster_roles: dict[str, K8sObject] = {}
    bindings: list[K8sObject] = []
    for obj in items:
        meta = obj.get("metadata") or {}
        kind = obj.get("kind")
        if kind == "Role":
            roles[(meta.get("namespace", ""), meta["name"])] = list(obj.get("rules") or [])
        elif kind == "ClusterRole":
            cluster_roles[meta["name"]] = obj
        elif kind in ("RoleBinding", "ClusterRoleBinding"):
            bindings.append(obj)
    cluster_rules = aggregate_cluster_roles(cluster_roles)

    granted: dict[str, set[K8sEntry]] = defaultdict(set)
    bound: dict[str, set[str]] = defaultdict(set)
    for binding in bindings:
        cluster_wide = binding["kind"] == "ClusterRoleBinding"
        ns = None if cluster_wide else (binding.get("metadata") or {}).get("namespace", "default")
        ref = binding.get("roleRef") or {}
        if ref.get("kind") == "ClusterRole":
            rules = cluster_rules.get(ref.get("name", ""))
        else:
            rules = roles.get((ns or "", ref.get("name", ""))) if not cluster_wide else None
        if rules is None:
            continue
        scope = "*" if cluster_wide else str(ns)
        entries = _entries(rules, scope, cluster_wide)
        for subject in binding.get("subjects") or []:
            key = subject_key(subject, ns)
            granted[key] |= entries
            bound[key].add(f"{ref.get('kind')}/{ref.get('name')} in {scope}")
    return {key: K8sPermissions(key, _prune(entries), bound[key]) for key, entries in granted.items()}


def with_groups(perms: Mapping[str, K8sPermissions], subject: str, groups: Iterable[str]) -> K8sPermissions:
    """A subject's permissions including those of its groups (e.g. ``system:serviceaccounts:<ns>``,
    ``system:authenticated``), which the API server adds at authentication time."""
    keys = [subject, *(g if g.startswith("Group:") else f"Group:{g}" for g in groups)]
    entries = {e for k in keys if k in perms for e in perms[k].entries}
    bound = {b for k in keys if k in perms for b in perms[k].bound_roles}
    return K8sPermissions(subject, _prune(entries), bound)
