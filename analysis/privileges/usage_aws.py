"""AWS granted versus used: effective permissions beside Access Advisor, the credential report, key last use.

Granted is counted in *services*: the services the principal's effective permissions (the latest
``PrincipalPermissions`` record) reach, ``*`` standing for every service the last-accessed report lists and
every service policyuniverse knows. Used are the services the ``get-service-last-accessed-details`` report
shows authenticated within the window. AWS tracks service access for 400 days, and action access only for
some services (``TrackedActionsLastAccessed``): an unused *action* is reported only where AWS tracks it, and a
service AWS does not list in the report is never called unused. Without a report the permissions are *not
collected*; a user's credentials (credential report, get-access-key-last-used) are still judged on their own.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from analysis.privileges.aws_actions import ALL, KNOWN_SERVICES, service_of
from analysis.privileges.aws_model import EffectivePermissions
from analysis.privileges.usage_aws_read import read_principals
from analysis.privileges.usage_model import (
    Credential,
    Horizon,
    PrincipalUsage,
    Unused,
    iso,
    not_collected,
    ratio,
    window,
)
from analysis.privileges.usage_policy import propose_aws_policy

TRACKING_DAYS = 400  # IAM last accessed information: the trailing 400 days
_KIND = {"AWSUser": "aws-user", "AWSRole": "aws-role", "AWSGroup": "aws-group"}


def _dt(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        # Neo4j's text of a zoned DateTime ends in "[Europe/Paris]": the offset before it says the instant.
        text = value.split("[", 1)[0] if value.endswith("]") else value
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    else:
        parsed = value.to_native() if hasattr(value, "to_native") else value
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@lru_cache(maxsize=4096)
def parsed(entries: str) -> EffectivePermissions:
    """A stored record's entries (principals sharing policies share the text: parsed once)."""
    return EffectivePermissions.from_compact(json.loads(entries))


@lru_cache(maxsize=4096)
def _services_of(entries: str) -> tuple[frozenset[str], bool]:
    """(services the entries name, whether one of them is ``*``)."""
    atoms = [e.action for e in parsed(entries).entries]
    return frozenset(service_of(a) for a in atoms if a != ALL), ALL in atoms


def _granted_services(entries: str | None, report: list[dict[str, Any]]) -> set[str]:
    listed = {str(s["ServiceNamespace"]) for s in report if s.get("ServiceNamespace")}
    if entries is None:
        return listed
    named, everything = _services_of(entries)
    return set(named) | (set(KNOWN_SERVICES) | listed if everything else set())


def _action(ns: str, name: str) -> str:
    return name if ":" in name else f"{ns}:{name}"


def _permissions(
    u: PrincipalUsage,
    row: dict[str, Any],
    report: list[dict[str, Any]],
    h: Horizon,
    created: datetime | None,
) -> datetime | None:
    """Fill granted / used / ratio / unused / proposal from the report; returns the latest service use."""
    win = u.window_days or 0
    granted = _granted_services(row["entries"], report)
    used_atoms: set[str] = set()
    display: dict[str, str] = {}
    latest = None
    used_services = set()
    for svc in sorted(report, key=lambda s: s.get("ServiceNamespace") or ""):
        ns, last = svc.get("ServiceNamespace") or "", _dt(svc.get("LastAuthenticated"))
        if last is not None:
            latest = max(latest, last) if latest else last
        if ns not in granted:
            continue
        if last is not None and not h.unused_since(last, created, win):
            used_services.add(ns)
            tracked = svc.get("TrackedActionsLastAccessed")
            acted = [a for a in tracked or [] if _dt(a.get("LastAccessedTime"))]
            recent = [a for a in acted if not h.unused_since(_dt(a["LastAccessedTime"]), created, win)]
            for a in recent:
                name = _action(ns, a["ActionName"])
                used_atoms.add(name.lower())
                display[name.lower()] = name
            if not recent:
                used_atoms.add(f"{ns}:*")
            for a in tracked or []:
                when = _dt(a.get("LastAccessedTime"))
                if h.unused_since(when, created, win):
                    u.unused.append(Unused(_action(ns, a["ActionName"]), iso(when), "action tracked by AWS"))
        elif h.unused_since(last, created, win):
            u.unused.append(Unused(ns, iso(last), svc.get("ServiceName") or ""))
    u.granted, u.used = len(granted), len(used_services)
    u.ratio = ratio(len(used_services), len(granted))
    entries = row["entries"]
    perms = parsed(entries) if entries else None
    u.proposed_policy = propose_aws_policy(used_atoms, perms, display)
    return latest


def _key_credentials(row: dict[str, Any], h: Horizon, win: int) -> list[Credential]:
    slots = [(_dt(row["k1_rotated"]), _dt(row["k1_used"])), (_dt(row["k2_rotated"]), _dt(row["k2_used"]))]
    out = []
    for k in sorted(row["keys"], key=lambda k: k["id"]):
        created = _dt(k.get("createdate_dt"))
        if k.get("lastused_collected"):
            last, evidence = _dt(k.get("lastuseddate_dt")), "get-access-key-last-used"
        elif (
            row["report_at"] is not None
            and created is not None
            and any(r is not None and abs((r - created).total_seconds()) < 1 for r, _ in slots)
        ):  # the report has no key ids: a slot is this key when it was last rotated as the key was created
            last = next(used for r, used in slots if r is not None and abs((r - created).total_seconds()) < 1)
            evidence = "credential report"
        else:
            out.append(Credential("access_key", k["id"], "not collected"))
            continue
        if k.get("status") != "Active":
            out.append(Credential("access_key", k["id"], "inactive", iso(last), evidence))
            continue
        status = "unused" if h.unused_since(last, created, win) else "used"
        out.append(Credential("access_key", k["id"], status, iso(last), evidence))
    if row["report_at"] is not None and row["password"]:
        last = _dt(row["password_last_used"])
        since = _dt(row["password_changed"]) or _dt(row["created"])
        status = "unused" if h.unused_since(last, since, win) else "used"
        out.append(Credential("password", row["arn"], status, iso(last), "credential report"))
    return out


def usage_for_account(account: str, now: datetime, unused_days: int) -> list[PrincipalUsage]:
    """Every principal of the account, computed from the graph as of ``now``."""
    return [u for u, _inputs, _h in evaluate(account, now, unused_days, changed_only=False)]


def evaluate(
    account: str, now: datetime, unused_days: int, changed_only: bool
) -> list[tuple[PrincipalUsage, str, Horizon]]:
    """(usage, its inputs text, the time range its verdicts hold) per principal; with ``changed_only``
    only the principals whose stored head does not still hold (usage_aws_read.py)."""
    out = []
    win = window(unused_days, TRACKING_DAYS)
    for row in read_principals(account, now, unused_days, changed_only):
        h = Horizon(now)
        kind, created = _KIND[row["label"]], _dt(row["created"])
        report = json.loads(row["report"]) if row["report"] else None
        credentials = _key_credentials(row, h, win) if kind == "aws-user" else []
        role_used = _dt(row["role_last_used"])
        evidence = [c.evidence for c in credentials if c.status != "not collected"]
        if report is None and not evidence and role_used is None:
            missing = not_collected(
                row["arn"],
                row["name"],
                kind,
                account,
                "no get-service-last-accessed-details report for this principal",
                bool(row["admin"]),
            )
            missing.credentials = credentials  # each one "not collected": the keys' nodes say so too
            out.append((missing, row["inputs"], h))
            continue
        u = PrincipalUsage(
            row["arn"],
            row["name"],
            kind,
            account,
            "collected" if report is not None else "credentials only",
            unit="services",
            window_days=win,
            tracking_days=TRACKING_DAYS,
            admin=bool(row["admin"]),
            credentials=credentials,
        )
        if report is None:
            u.reason = "permissions: no get-service-last-accessed-details report"
        activity = [role_used] + [_dt(c.last_used) for c in credentials if c.status != "not collected"]
        if report is not None:
            activity.append(_permissions(u, row, report, h, created))
            evidence.insert(0, f"service last accessed, AWS tracks {TRACKING_DAYS} days")
        elif role_used is not None:
            evidence.append("RoleLastUsed")
        known = [a for a in activity if a is not None]
        last = max(known) if known else None
        u.last_activity = iso(last)
        u.evidence = "; ".join(dict.fromkeys(evidence))
        # A group never acts itself; a user without a report is judged on its credentials alone, and only
        # when every one of them was collected.
        complete = all(c.status != "not collected" for c in credentials)
        if kind != "aws-group" and (report is not None or (kind == "aws-user" and complete) or role_used):
            u.principal_unused = h.unused_since(last, created, win)
        out.append((u, row["inputs"], h))
    return out
