"""Named RBAC risks of one Kubernetes subject (admin-equivalence and the classic escalation verbs)."""

from __future__ import annotations

from analysis.privileges.findings import Finding
from analysis.privileges.k8s import K8sEntry, K8sPermissions

RBAC = "rbac.authorization.k8s.io"


def _shown(entries: list[K8sEntry]) -> tuple[str, ...]:
    return tuple(sorted({e.as_string() for e in entries}))


def k8s_findings(perms: K8sPermissions) -> list[Finding]:
    """Findings for ``perms``, sorted by name."""
    found: list[Finding] = []

    def add(name: str, severity: str, description: str, entries: list[K8sEntry]) -> None:
        if entries:
            found.append(Finding(name, severity, description, _shown(entries)))  # type: ignore[arg-type]

    admin = [
        e
        for e in perms.entries
        if (e.verb, e.api_group, e.resource, e.namespace) == ("*",) * 4 and not e.resource_names
    ]
    if admin or "ClusterRole/cluster-admin in *" in perms.bound_roles:
        found.append(
            Finding(
                "cluster-admin",
                "critical",
                "Every verb on every resource cluster-wide.",
                _shown(admin) or ("ClusterRole/cluster-admin in *",),
            )
        )
    add(
        "namespace-admin",
        "high",
        "Every verb on every resource in a namespace.",
        [
            e
            for e in perms.entries
            if (e.verb, e.api_group, e.resource) == ("*",) * 3 and e.namespace != "*" and not e.resource_names
        ],
    )
    for verb, text in (
        ("escalate", "Grant oneself permissions one does not hold by editing roles."),
        ("bind", "Bind any role (including cluster-admin) to oneself."),
    ):
        add(
            f"rbac-{verb}",
            "critical",
            text,
            perms.matching(verb, "roles", None, RBAC) + perms.matching(verb, "clusterroles", None, RBAC),
        )
    add(
        "impersonate",
        "critical",
        "Act as another user, group or service account.",
        [e for r in ("users", "groups", "serviceaccounts") for e in perms.matching("impersonate", r)],
    )
    add(
        "read-secrets-cluster-wide",
        "high",
        "Read every secret (including service-account tokens).",
        [
            e
            for v in ("get", "list", "watch")
            for e in perms.matching(v, "secrets", "*")
            if e.namespace == "*"
        ],
    )
    add(
        "exec-kube-system",
        "critical",
        "Run commands in control-plane pods in kube-system.",
        perms.matching("create", "pods/exec", "kube-system"),
    )
    add(
        "create-pods-kube-system",
        "high",
        "Start pods in kube-system that mount privileged service accounts.",
        perms.matching("create", "pods", "kube-system"),
    )
    return sorted(found)
