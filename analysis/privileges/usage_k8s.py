"""Kubernetes granted versus used: RBAC rules beside the API-server audit log.

Granted and used are counted in *rules* — the principal's effective ``K8sEntry`` rows (``verb resource in
namespace``): a rule is used when at least one allowed request in the window falls under it. The window is the
requested days capped by the span of the audit log (a log of three days can say nothing about 90): both are
stated. A cluster without an audit log is *not collected*.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from analysis.privileges.k8s import K8sEntry
from analysis.privileges.records import _k8s
from analysis.privileges.usage_aws import _dt
from analysis.privileges.usage_model import PrincipalUsage, Unused, iso, not_collected, ratio, window
from graph import driver

READ_PRINCIPALS = (
    "MATCH (r:PrincipalPermissions {provider: 'k8s', scope: $cluster, latest: true}) "
    "WHERE NOT coalesce(r.removed, false) "
    "RETURN r.principal_id AS id, r.name AS name, r.kind AS kind, r.entries AS entries, r.admin AS admin"
)
READ_LOG = (
    "MATCH (c:KubernetesCluster {name: $cluster})-[:RESOURCE]->(l:KubernetesAuditLog) "
    "RETURN l.since AS since, l.until AS until LIMIT 1"
)
READ_USAGE = (
    "MATCH (c:KubernetesCluster {name: $cluster})-[:RESOURCE]->(a:KubernetesAuditUsage) "
    "RETURN a.principal_id AS id, a.last_seen AS last, a.used AS used"
)


def covers(e: K8sEntry, key: str) -> bool:
    """Whether the rule ``e`` allows the audited request ``verb|group|resource|namespace|name``."""
    verb, group, resource, namespace, name = key.split("|")
    if e.verb not in ("*", verb):
        return False
    if group == "url":
        return e.non_resource_url and (
            e.resource == resource or (e.resource.endswith("*") and resource.startswith(e.resource[:-1]))
        )
    return (
        not e.non_resource_url
        and e.api_group in ("*", group)
        and e.resource in ("*", resource)
        and e.namespace in ("*", namespace)
        and (not e.resource_names or name in e.resource_names)
    )


def usage_for_cluster(cluster: str, now: datetime, unused_days: int) -> list[PrincipalUsage]:
    logs = driver.read(READ_LOG, {"cluster": cluster})
    principals = driver.read(READ_PRINCIPALS, {"cluster": cluster})
    if not logs:
        return [
            not_collected(p["id"], p["name"], p["kind"], cluster, "no audit log for this cluster", p["admin"])
            for p in principals
        ]
    since, until = _dt(logs[0]["since"]), _dt(logs[0]["until"])
    assert since is not None and until is not None
    span = (until - since).days
    win = window(unused_days, span)
    cutoff = until - timedelta(days=win)
    usage = {r["id"]: r for r in driver.read(READ_USAGE, {"cluster": cluster})}
    evidence = f"API-server audit log {since.date()} to {until.date()} ({span} days)"
    out = []
    for p in principals:
        entries = _k8s(json.loads(p["entries"] or "[]"))
        seen: dict[str, Any] = json.loads((usage.get(p["id"]) or {}).get("used") or "{}")
        recent = [k for k, t in seen.items() if _dt(t) >= cutoff]  # type: ignore[operator]
        used = [e for e in entries if any(covers(e, k) for k in recent)]
        last = _dt((usage.get(p["id"]) or {}).get("last"))
        u = PrincipalUsage(
            p["id"],
            p["name"],
            p["kind"],
            cluster,
            "collected",
            evidence=evidence,
            unit="rules",
            window_days=win,
            tracking_days=span,
            granted=len(entries),
            used=len(used),
            ratio=ratio(len(used), len(entries)),
            admin=bool(p["admin"]),
            last_activity=iso(last),
        )
        if span >= 1:  # a log shorter than a day cannot make anything "unused for N days"
            u.unused = [
                Unused(e.as_string(), None, f"no request in {win} days") for e in entries if e not in used
            ]
            u.principal_unused = last is None or last < cutoff
        out.append(u)
    return out
