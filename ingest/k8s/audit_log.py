"""API-server audit log → last use per user / service account / group and verb × resource (optional input).

``k8s/<cluster>/audit.jsonl``: ``audit.k8s.io/v1`` ``Event`` objects, one per line (the log backend's format).
Only requests the API server allowed count (``responseStatus.code`` below 400, or no status at stage
``RequestReceived``); a service account appears as ``system:serviceaccount:<ns>:<name>`` and its groups
(``user.groups``) are credited too, so a group's usage is its members'. No file: not collected, the previous
usage stays and nobody in the cluster is called unused.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from graph.schema.k8s.audit import KUBERNETES_AUDIT_LOG, KUBERNETES_AUDIT_USAGE
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.k8s.common import sync_k8s
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

SA_PREFIX = "system:serviceaccount:"


def get(snap: Snapshot, cluster: str) -> list[dict[str, Any]] | None:
    return snap.k8s_audit_log(cluster)


def principal_of(cluster: str, username: str) -> str:
    """The privileges engine's principal id (analysis/privileges/graph_k8s.py) of an audit username."""
    if username.startswith(SA_PREFIX):
        ns, _, name = username[len(SA_PREFIX) :].partition(":")
        return f"{cluster}/ServiceAccount/{ns}/{name}"
    return f"{cluster}/User/{username}"


def request_key(event: dict[str, Any]) -> str:
    """``verb|apiGroup|resource[/subresource]|namespace|name``, or ``verb|url|<path>||`` without an object."""
    ref = event.get("objectRef")
    if not ref:
        return f"{event['verb']}|url|{event.get('requestURI', '').split('?', 1)[0]}||"
    resource = ref.get("resource", "")
    if ref.get("subresource"):
        resource += "/" + ref["subresource"]
    return "|".join(
        (event["verb"], ref.get("apiGroup", ""), resource, ref.get("namespace", ""), ref.get("name", ""))
    )


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def transform(events: list[dict[str, Any]], cluster: str) -> Transformed:
    errors: list[str] = []
    usage: dict[str, dict[str, Any]] = {}
    seen: list[datetime] = []
    for n, event in enumerate(events, 1):
        try:
            when = _time(event.get("stageTimestamp") or event["requestReceivedTimestamp"])
            seen.append(when)
            code = (event.get("responseStatus") or {}).get("code")
            if code is not None and int(code) >= 400:
                continue
            user = event["user"]
            key = request_key(event)
            names = [(principal_of(cluster, user["username"]), user["username"])]
            names += [(f"{cluster}/Group/{g}", g) for g in user.get("groups") or []]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            errors.append(f"k8s/{cluster}/audit.jsonl line {n}: {type(exc).__name__}: {exc}")
            continue
        for pid, name in names:
            row = usage.setdefault(pid, {"id": f"{cluster}/{name}", "principal_id": pid, "username": name})
            row["last_seen"] = max(row.get("last_seen", when), when)
            used = row.setdefault("used", {})
            used[key] = max(used.get(key, when), when)
    rows = [
        {**r, "used": json.dumps({k: v.isoformat() for k, v in sorted(r["used"].items())})}
        for r in usage.values()
    ]
    log = [{"id": cluster, "since": min(seen), "until": max(seen), "events": len(events)}] if seen else []
    return Transformed({KUBERNETES_AUDIT_LOG: log, KUBERNETES_AUDIT_USAGE: rows}, errors)


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    cluster = scope.owner
    return sync_k8s(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: get(snap, cluster),
        lambda raw: transform(raw, cluster),
    )


MODULE = Module("k8s", "audit_log", sync, (KUBERNETES_AUDIT_LOG, KUBERNETES_AUDIT_USAGE))
