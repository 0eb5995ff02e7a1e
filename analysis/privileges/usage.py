"""Granted versus used across providers: the post-ingest step ``usage`` and the report the surfaces read.

The step (order 15: after ``privileges``, whose effective permissions are the *granted* side; before
exposure) recomputes the scopes whose permission or usage modules ran without failing (the rule of
``steps.collected_scopes``), stores each principal's summary when it changed (``usage_store``) and writes the
properties the ``usage_*`` controls read. ``report`` computes the same thing live for any
``unused_days``, as of the latest run's collection time, for the CLI, the API, the dashboard widget and
the nightly report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from analysis.privileges import usage_store
from analysis.privileges.steps import PROVIDERS, Provider, collected_scopes
from analysis.privileges.usage_aws import evaluate, usage_for_account
from analysis.privileges.usage_gcp import usage_for_scope
from analysis.privileges.usage_k8s import usage_for_cluster
from analysis.privileges.usage_model import UNUSED_DAYS, PrincipalUsage, not_collected
from graph import driver
from history.drift import list_runs
from history.post_ingest import PostIngestStep, register
from history.runs import ModuleResult, RunContext
from ingest.aws import iam_credential_report, iam_keys
from ingest.gcp import iam_usage
from ingest.k8s import audit_log

log = logging.getLogger("invgraph.privileges.usage")
KeyRows = dict[str, list[dict[str, Any]]]
_EXTRA = {
    "aws": (iam_credential_report.MODULE, iam_keys.MODULE),
    "gcp": (iam_usage.MODULE,),
    "k8s": (audit_log.MODULE,),
    "azure": (),
}
LAST_SECONDS: list[float] = []  # the latest step's duration, for the benchmark


def _aws_keys(usages: list[PrincipalUsage]) -> KeyRows:
    keys = [
        {"id": c.id, "last_used": c.last_used, "evidence": c.evidence or None, "status": c.status}
        for u in usages
        for c in u.credentials
        if c.type == "access_key"
    ]
    return {"AccountAccessKey": keys}


def _aws(scope: str, now: datetime, days: int) -> tuple[list[PrincipalUsage], KeyRows]:
    usages = usage_for_account(scope, now, days)
    return usages, _aws_keys(usages)


def _gcp(scope: str, now: datetime, days: int) -> tuple[list[PrincipalUsage], KeyRows]:
    usages, keys = usage_for_scope(scope, now, days)
    return usages, {"GCPServiceAccountKey": keys}


def _k8s(scope: str, now: datetime, days: int) -> tuple[list[PrincipalUsage], KeyRows]:
    return usage_for_cluster(scope, now, days), {}


AZURE_REASON = "Azure activity logs and sign-in logs are not collected: no usage evidence"


def _azure(scope: str, now: datetime, days: int) -> tuple[list[PrincipalUsage], KeyRows]:
    """Every Azure principal of the subscription is *not collected* (no usage source is ingested yet), so
    nothing about it is ever called unused."""
    rows = driver.read(
        "MATCH (r:PrincipalPermissions {provider: 'azure', scope: $scope, latest: true}) "
        "WHERE NOT r.removed RETURN r.principal_id AS id, r.name AS name, r.kind AS kind, r.admin AS admin "
        "ORDER BY id",
        {"scope": scope},
    )
    return [
        not_collected(r["id"], r["name"], r["kind"], scope, AZURE_REASON, bool(r["admin"])) for r in rows
    ], {}


COMPUTE: dict[str, Callable[[str, datetime, int], tuple[list[PrincipalUsage], KeyRows]]] = {
    "aws": _aws,
    "gcp": _gcp,
    "k8s": _k8s,
    "azure": _azure,
}


def usage_step(ctx: RunContext, results: list[ModuleResult]) -> dict[str, Any]:
    return run_usage(ctx, results, skip_unchanged=True)


def run_usage(ctx: RunContext, results: list[ModuleResult], skip_unchanged: bool) -> dict[str, Any]:
    """The step; ``skip_unchanged=False`` recomputes every principal (the reference the skip is tested
    against: tests/privileges/test_usage_skip.py)."""
    start = time.perf_counter()
    usage_store.ensure_schema()
    now = ctx.collected_at if ctx.collected_at.tzinfo else ctx.collected_at.replace(tzinfo=UTC)
    done: dict[str, list[str]] = {}
    changed = recomputed = 0
    for provider in PROVIDERS:
        watched = Provider(
            provider.name, provider.modules + _EXTRA[provider.name], provider.compute, provider.record_scope
        )
        fresh, _kept = collected_scopes(watched, results)
        for scope in sorted({provider.record_scope(s) for s in fresh}):
            stamps = None
            if provider.name == "aws":  # skips the principals whose stored head still holds
                found = evaluate(scope, now, UNUSED_DAYS, changed_only=skip_unchanged)
                usages, keys = [u for u, _i, _h in found], _aws_keys([u for u, _i, _h in found])
                stamps = {u.id: (inputs, h) for u, inputs, h in found}
            else:
                usages, keys = COMPUTE[provider.name](scope, now, UNUSED_DAYS)
            changed += usage_store.save_changes(
                ctx.run_id, ctx.update_tag, provider.name, scope, usages, stamps
            )
            recomputed += len(usages)
            usage_store.mark_nodes(usages, keys)
        if fresh:
            done[provider.name] = sorted({provider.record_scope(s) for s in fresh})
    LAST_SECONDS[:] = [time.perf_counter() - start]
    log.info("usage: %d recomputed, %d changed in %.1fs", recomputed, changed, LAST_SECONDS[0])
    return {"scopes": done, "changed": changed, "recomputed": recomputed}


# After privileges (10): the granted side is the effective permissions it stores.
STEP = register(PostIngestStep("usage", usage_step, order=15))


def _scopes() -> list[tuple[str, str]]:
    rows = driver.read(
        "MATCH (r:PrincipalPermissions {latest: true}) "
        "RETURN DISTINCT r.provider AS provider, r.scope AS scope ORDER BY provider, scope"
    )
    return [(r["provider"], r["scope"]) for r in rows]


def _order(u: dict[str, Any]) -> tuple[Any, ...]:
    """Most over-privileged first: collected before not collected, admins, lowest ratio, most unused."""
    return (
        u["status"] != "collected",
        not u["admin"],
        u["ratio"] if u["ratio"] is not None else 2.0,
        -u["unused_count"],
        u["id"],
    )


def report(
    unused_days: int = UNUSED_DAYS,
    principal: str | None = None,
    scopes: frozenset[str] | None = None,
) -> dict[str, Any]:
    """Every principal's granted-vs-used as of the latest run (``scopes``: only these, for scoped keys)."""
    runs = list_runs()
    if not runs:
        return {"at": None, "unused_days": unused_days, "principals": [], "counts": {}}
    at = datetime.fromisoformat(runs[-1]["collected_at"].replace("Z", "+00:00"))
    now = at if at.tzinfo else at.replace(tzinfo=UTC)
    out: list[dict[str, Any]] = []
    for provider, scope in _scopes():
        if scopes is not None and scope not in scopes:
            continue
        usages, _keys = COMPUTE[provider](scope, now, unused_days)
        out += [u.to_dict() for u in usages if principal is None or principal in (u.id, u.name)]
    out.sort(key=_order)
    counts = {
        "principals": len(out),
        "collected": sum(1 for u in out if u["status"] != "not collected"),
        "not_collected": sum(1 for u in out if u["status"] == "not collected"),
        "unused_principals": sum(1 for u in out if u["principal_unused"]),
        "unused_credentials": sum(u["unused_credentials"] for u in out),
        "admin_low_usage": sum(1 for u in out if u["admin"] and u["ratio"] is not None and u["ratio"] < 0.10),
    }
    return {"at": now.isoformat(), "unused_days": unused_days, "principals": out, "counts": counts}


def _who(p: dict[str, Any]) -> str:
    return f"{p['name']} ({p['kind']}, {p['scope']})"


def usage_lines(scope: str | None = None, top: int = 10) -> list[str]:
    """The nightly report's lines: counts, the most over-privileged principals with their evidence window,
    unused principals and credentials, and how many principals had no usage data (never called unused)."""
    doc = report(scopes=frozenset({scope}) if scope else None)
    ps, c = doc["principals"], doc["counts"]
    if not ps:
        return []
    lines = [
        f"As of {doc['at']}, unused = not used for {doc['unused_days']} days (capped by what each provider "
        f"tracks): {c['collected']} principals with usage data, {c['unused_principals']} unused, "
        f"{c['unused_credentials']} unused credentials, {c['admin_low_usage']} admin-equivalent using < 10 %"
    ]
    ranked = [p for p in ps if p["status"] == "collected" and p["ratio"] is not None][:top]
    for p in ranked:
        lines.append(
            f"Over-privileged: {_who(p)}{' admin' if p['admin'] else ''} used {p['used']} of {p['granted']} "
            f"{p['unit']} ({p['ratio'] * 100:.1f} %) in {p['window_days']} days — {p['evidence']}"
        )
    for p in ps:
        if p["principal_unused"]:
            last = p["last_activity"][:10] if p["last_activity"] else "none"
            lines.append(
                f"Unused principal: {_who(p)}, last activity {last}, "
                f"window {p['window_days']} days — {p['evidence']}"
            )
        for cred in p["credentials"]:
            if cred["status"] == "unused":
                last = cred["last_used"][:10] if cred["last_used"] else "never"
                lines.append(
                    f"Unused {cred['type'].replace('_', ' ')}: {cred['id']} of {_who(p)}, last used {last}, "
                    f"window {p['window_days']} days — {cred['evidence']}"
                )
    if c["not_collected"]:
        lines.append(
            f"Not collected (never called unused): {c['not_collected']} principals without usage data"
        )
    return lines
