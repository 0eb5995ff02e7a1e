"""Privilege creep between two runs, and one principal's permissions with their history.

Runs are referenced like drift (``history.drift.resolve_pair``): a run id or a date (the last run
collected on or before it); default the latest run against the one before. Only principals with a
record written after ``from`` up to ``to`` are looked at, so the cost follows what changed.

Every gained entry names what grants it in the ``to`` run and every lost one what granted it in the
``from`` run (``provenance``: policy and statement, group, role binding, GCP binding level; see
``provenance.py``). A principal is reported when it gained or lost permissions (semantic diff, see
``records``), became
or stopped being admin-equivalent, or its assumable roles or escalation paths changed. Principals
whose permissions changed and changed back in between are not reported. ``unused_services`` (AWS,
when ``get-service-last-accessed-details`` was collected) lists services the principal's policies
grant that were never used or not within ``unused_days`` of the ``to`` run's collection time, and
``gained_unused`` the gained entries whose service shows no use since the ``from`` run ("gained and not used
since").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from analysis.privileges import store
from analysis.privileges.graph_aws import last_accessed
from analysis.privileges.provenance import attribute, doc_shas
from analysis.privileges.records import KINDS, entry_strings, gained_lost, provider_of
from history.drift import DriftError, list_runs, resolve_pair

UNUSED_DAYS = 90


class CreepError(LookupError):
    """A run reference that matches nothing, an unknown filter value, or an unknown principal."""


@dataclass(frozen=True)
class CreepFilters:
    scope: str | None = None
    kind: str | None = None

    def ok(self, rec: dict[str, Any]) -> bool:
        return (self.scope is None or rec["scope"] == self.scope) and (
            self.kind is None or rec["kind"] == self.kind
        )


def _when(iso: str | None) -> datetime | None:
    if not iso:
        return None
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).replace(tzinfo=None)


def unused_services(
    report: list[dict[str, Any]], at: datetime | None, days: int = UNUSED_DAYS
) -> list[dict[str, Any]]:
    """Services of a last-accessed report never used, or not used within ``days`` before ``at``."""
    out = []
    for svc in report:
        last = _when(svc.get("LastAuthenticated"))
        if last is None or (at is not None and at - last > timedelta(days=days)):
            out.append(
                {
                    "namespace": svc.get("ServiceNamespace") or "",
                    "name": svc.get("ServiceName") or "",
                    "last_accessed": svc.get("LastAuthenticated"),
                }
            )
    return sorted(out, key=lambda s: s["namespace"])


def gained_not_used(gained: list[str], report: list[dict[str, Any]], since: datetime | None) -> list[str]:
    """Gained entries whose service the last-accessed report shows no use of since ``since`` (the ``from``
    run's collection time): "gained and not used since". ``*`` counts as used when any service was."""
    used = {
        s.get("ServiceNamespace")
        for s in report
        if (last := _when(s.get("LastAuthenticated"))) is not None and (since is None or last > since)
    }
    out = []
    for entry in gained:
        service = entry.split(" ", 1)[0].split(":", 1)[0]
        if (service == "*" and not used) or (service != "*" and service not in used):
            out.append(entry)
    return out


def _entry(pid: str, before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any] | None:
    old = before if before and not before["removed"] else None
    new = after if after and not after["removed"] else None
    if old is None and new is None:
        return None
    ref = new or old
    assert ref is not None
    if old and new and (old["sha256"], old["assumable_roles"]) == (new["sha256"], new["assumable_roles"]):
        return None  # changed and changed back between the two runs
    gained, lost = gained_lost(ref["kind"], old["entries"] if old else None, new["entries"] if new else None)
    assumable_old, assumable_new = (
        set((old or {}).get("assumable_roles") or []),
        set((new or {}).get("assumable_roles") or []),
    )
    esc_old, esc_new = set((old or {}).get("escalations") or []), set((new or {}).get("escalations") or [])
    admin_before, admin_after = bool(old and old["admin"]), bool(new and new["admin"])
    if not (
        gained or lost or assumable_old ^ assumable_new or esc_old ^ esc_new or admin_before != admin_after
    ):
        return None
    return {
        "id": pid,
        "name": ref["name"],
        "kind": ref["kind"],
        "scope": ref["scope"],
        "project": ref.get("project"),
        "gained": gained,
        "lost": lost,
        "admin_before": admin_before,
        "admin_after": admin_after,
        "assumable_gained": sorted(assumable_new - assumable_old),
        "assumable_lost": sorted(assumable_old - assumable_new),
        "escalations_gained": sorted(esc_new - esc_old),
        "escalations_lost": sorted(esc_old - esc_new),
        "status": "added" if old is None else "removed" if new is None else "changed",
    }


def _add_provenance(
    principals: list[dict[str, Any]], before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
) -> None:
    """``provenance``: gained entries by the ``to`` record's sources, lost ones by the ``from`` record's."""
    recs = [r for p in principals for r in (before.get(p["id"]), after.get(p["id"])) if r]
    docs = store.documents(doc_shas(r.get("sources") for r in recs))
    for p in principals:
        new, old = after.get(p["id"]), before.get(p["id"])
        p["provenance"] = {
            key: attribute(p["kind"], rec["entries"], p[key], rec.get("sources"), docs) if rec else {}
            for key, rec in (("gained", new), ("lost", old))
        }
        # The admin flag keeps its reason: what grants the permissions that came with it.
        gained = p["provenance"]["gained"]
        p["admin_via"] = (
            sorted({s["text"] for srcs in gained.values() for s in srcs})
            if p["admin_after"] and not p["admin_before"]
            else []
        )


def creep(
    from_ref: str | None = None, to_ref: str | None = None, scope: str | None = None, kind: str | None = None
) -> dict[str, Any]:
    """``{"from", "to", "principals": [...]}`` (see the module docstring and docs/privileges.md)."""
    if kind is not None and kind not in KINDS:
        raise CreepError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    try:
        frm, to, _ = resolve_pair(from_ref, to_ref)
    except DriftError as exc:
        raise CreepError(str(exc)) from exc
    filters = CreepFilters(scope, kind)
    ids = store.changed_between(frm["update_tag"], to["update_tag"])
    before, after = store.state_at(ids, frm["update_tag"]), store.state_at(ids, to["update_tag"])
    principals = []
    for pid in sorted(ids):
        ref = after.get(pid) or before.get(pid)
        if ref is None or not filters.ok(ref):
            continue
        item = _entry(pid, before.get(pid), after.get(pid))
        if item is not None:
            principals.append(item)
    _add_provenance(principals, before, after)
    aws_ids = [p["id"] for p in principals if provider_of(p["kind"]) == "aws" and p["status"] != "removed"]
    reports = last_accessed(aws_ids) if aws_ids else {}
    at, since = _when(to.get("collected_at")), _when(frm.get("collected_at"))
    for p in principals:
        if p["id"] in reports:
            p["unused_services"] = unused_services(reports[p["id"]], at)
            p["gained_unused"] = gained_not_used(p["gained"], reports[p["id"]], since)
    return {"from": frm["id"], "to": to["id"], "principals": principals}


def creep_section(from_ref: str | None = None, to_ref: str | None = None) -> dict[str, Any]:
    """For the nightly report: the creep document plus counts; ``{"error": ...}`` when there is nothing
    to compare (fewer than two runs) instead of raising, so one missing section never fails a report."""
    try:
        doc = creep(from_ref, to_ref)
    except CreepError as exc:
        return {"title": "Privilege creep", "error": str(exc), "principals": []}
    ps = doc["principals"]
    return {
        "title": "Privilege creep",
        **doc,
        "counts": {
            "principals": len(ps),
            "newly_admin": sum(1 for p in ps if p["admin_after"] and not p["admin_before"]),
            "assumable_grew": sum(1 for p in ps if p["assumable_gained"]),
            "gained_entries": sum(len(p["gained"]) for p in ps),
            "lost_entries": sum(len(p["lost"]) for p in ps),
        },
    }


def show(principal_id: str) -> dict[str, Any]:
    """Current effective permissions of one principal and every version since it was first seen."""
    ordered = list_runs()
    runs = {r["id"]: r for r in ordered}
    # Only finished runs: a run still in its privileges step has written some principals and not others,
    # and must not be half-visible (issue 19). An interrupted run becomes visible once the next run marks it
    # failed, so records that later runs compare against never stay hidden.
    records = [r for r in store.history(principal_id) if r["run_id"] in runs]
    if not records:
        raise CreepError(f"no permissions recorded for {principal_id!r}")
    history, previous = [], None
    for rec in records:
        gained, lost = gained_lost(
            rec["kind"] or "aws-user",
            previous["entries"] if previous else None,
            None if rec["removed"] else rec["entries"],
        )
        run = runs[rec["run_id"]]
        history.append(
            {
                "run_id": rec["run_id"],
                "collected_at": run.get("collected_at"),
                "sha256": rec["sha256"],
                "admin": bool(rec["admin"]),
                "removed": bool(rec["removed"]),
                "entries": 0 if rec["removed"] else len(json.loads(rec["entries"] or "[]")),
                "gained": gained,
                "lost": lost,
            }
        )
        previous = None if rec["removed"] else rec
    cur = records[-1]
    out = {
        "id": principal_id,
        "name": cur["name"],
        "kind": cur["kind"],
        "scope": cur["scope"],
        "project": cur.get("project"),
        "since_run": cur["run_id"],
        "removed": bool(cur["removed"]),
        "sha256": cur["sha256"],
        "admin": bool(cur["admin"]),
        "escalations": list(cur["escalations"] or []),
        "assumable_roles": list(cur["assumable_roles"] or []),
        "entries": [] if cur["removed"] else entry_strings(cur["kind"], cur["entries"]),
        "history": history,
        "unused_services": None,
    }
    if provider_of(cur["kind"]) == "aws" and not cur["removed"]:
        report = last_accessed([principal_id]).get(principal_id)
        if report is not None:
            at = _when(ordered[-1]["collected_at"]) if ordered else None
            out["unused_services"] = unused_services(report, at)
    return out
