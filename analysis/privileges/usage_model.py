"""Granted versus used: the per-principal result and the one rule for calling something *unused*.

A principal's ``PrincipalUsage`` says what it was granted, what it used in the evidence window, the ratio,
what stayed unused for at least ``window_days``, its last activity, its unused credentials and a proposed
least-privilege grant. The rules (docs/privileges.md, "Granted versus used"):

* no usage data → ``status`` ``not collected`` with the reason; nothing about it is ever *unused*;
* the window is the requested ``unused_days`` (default 90) but never longer than the provider tracks
  (AWS last accessed: 400 days; a GCP insight: its observation period; Activity Analyzer: its observation
  period; a Kubernetes audit log: the time it spans) — ``window_days`` is what was applied, ``tracking_days``
  what the provider tracks, and ``evidence`` names the source;
* something never used is unused only when it is older than the window (a key created last week is not
  "unused for 90 days").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

UNUSED_DAYS = 90
ADMIN_LOW_USAGE = 0.10  # admin-equivalent principals using less than this share of their grants


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def unused_since(last: datetime | None, created: datetime | None, now: datetime, window_days: int) -> bool:
    """True when nothing was used within ``window_days`` before ``now`` and the thing is older than that."""
    window = timedelta(days=window_days)
    if last is not None:
        return now - last >= window
    return created is None or now - created >= window


@dataclass
class Horizon:
    """The verdicts of one evaluation at ``now``, and the instants between which they all hold.

    Every *unused* verdict is a step in time: ``unused_since`` turns true at ``(last or created) + window``
    and stays true. So what was computed at ``now`` holds unchanged for any instant in ``[since, until)``:
    ``since`` the latest step already taken (None: none), ``until`` the earliest step still ahead (None:
    none) — the step skips a principal with unchanged inputs only while its run's time is in that range.
    """

    now: datetime
    since: datetime | None = None
    until: datetime | None = None

    def unused_since(self, last: datetime | None, created: datetime | None, window_days: int) -> bool:
        base = last if last is not None else created
        if base is not None:
            step = base + timedelta(days=window_days)
            if step > self.now:
                self.until = step if self.until is None else min(self.until, step)
            else:
                self.since = step if self.since is None else max(self.since, step)
        return unused_since(last, created, self.now, window_days)


def window(requested: int, tracking: int | None) -> int:
    """The window applied: the requested days, capped by what the provider tracks."""
    return requested if tracking is None else min(requested, tracking)


@dataclass
class Credential:
    type: str  # access_key | password | service_account_key
    id: str
    status: str  # used | unused | not collected | inactive
    last_used: str | None = None
    evidence: str = ""


@dataclass
class Unused:
    permission: str  # service (s3), action (s3:DeleteObject), GCP role, or "verb resource"
    last_used: str | None = None
    detail: str = ""


@dataclass
class PrincipalUsage:
    id: str
    name: str
    kind: str
    scope: str
    status: str  # collected | not collected
    reason: str = ""  # why not collected
    evidence: str = ""
    unit: str = ""  # services | permissions | verb x resource
    window_days: int | None = None
    tracking_days: int | None = None
    granted: int | None = None
    used: int | None = None
    ratio: float | None = None
    admin: bool = False
    last_activity: str | None = None
    principal_unused: bool = False
    unused: list[Unused] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)
    proposed_policy: dict[str, Any] | None = None
    proposed_roles: list[dict[str, Any]] = field(default_factory=list)

    @property
    def provider(self) -> str:
        return self.kind.split("-", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["provider"] = self.provider
        out["unused_count"] = len(self.unused)
        out["unused_credentials"] = sum(1 for c in self.credentials if c.status == "unused")
        return out


def ratio(used: int, granted: int) -> float | None:
    return round(used / granted, 4) if granted else None


def not_collected(
    pid: str, name: str, kind: str, scope: str, reason: str, admin: bool = False
) -> PrincipalUsage:
    return PrincipalUsage(pid, name, kind, scope, "not collected", reason=reason, admin=admin)
