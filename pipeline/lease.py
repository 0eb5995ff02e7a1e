"""Leases on scheduled jobs, held in the graph, so two schedulers never run the same nightly job.

``(:SchedulerLease {job, holder, expires_at, done_at, status})``, unique by ``job`` (e.g.
``nightly@2026-12-08T02:00:00+00:00``: one cron tick). A scheduler runs a tick's job only after
``acquire`` returned True; while it runs, ``Lease`` renews ``expires_at`` every third of the TTL, and
``finish`` records ``done_at``. Another scheduler's ``acquire`` of the same job is refused while the lease
is held and unexpired, and always once the job is done; a lease whose holder died (not renewed past
``expires_at``, not done) is taken over, so a crashed scheduler delays the job by at most one TTL.

Why the graph: every scheduler already needs Neo4j, writes go to the cluster leader, and the unique
constraint plus the write lock taken before the conditions are read make acquisition atomic (two
transactions on the same lease serialise on that lock). Expiry uses the database's clock (``timestamp()``),
not the schedulers', so hosts with skewed clocks still agree.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from graph import driver

log = logging.getLogger("invgraph.lease")
TTL_S = 300.0
SCHEMA = ["CREATE CONSTRAINT schedulerlease_job IF NOT EXISTS FOR (l:SchedulerLease) REQUIRE l.job IS UNIQUE"]

# MERGE under the unique constraint creates at most one node; `SET l.claim` takes the node's write lock
# *before* the conditions below are read, so of two concurrent takers the second sees the first's result.
_ACQUIRE = """
MERGE (l:SchedulerLease {job: $job})
ON CREATE SET l.holder = $holder, l.expires_at = timestamp() + $ttl_ms, l.created_at = timestamp()
SET l.claim = coalesce(l.claim, 0) + 1
WITH l
CALL (l) {
  WITH l WHERE l.holder <> $holder AND l.done_at IS NULL AND l.expires_at < timestamp()
  SET l.holder = $holder, l.expires_at = timestamp() + $ttl_ms, l.taken_over = true
}
RETURN l.holder = $holder AND l.done_at IS NULL AS mine
"""
_RENEW = """
MATCH (l:SchedulerLease {job: $job, holder: $holder}) WHERE l.done_at IS NULL
SET l.expires_at = timestamp() + $ttl_ms RETURN count(l) AS n
"""
_FINISH = """
MATCH (l:SchedulerLease {job: $job, holder: $holder})
SET l.done_at = timestamp(), l.status = $status, l.expires_at = timestamp()
"""


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(job: str, holder: str, ttl_s: float = TTL_S) -> bool:
    """True when ``holder`` now holds the lease on ``job`` (module docstring has the rules)."""
    driver.ensure_schema(SCHEMA)
    rows = driver.write(_ACQUIRE, {"job": job, "holder": holder, "ttl_ms": int(ttl_s * 1000)})
    return bool(rows and rows[0]["mine"])


def renew(job: str, holder: str, ttl_s: float = TTL_S) -> bool:
    rows = driver.write(_RENEW, {"job": job, "holder": holder, "ttl_ms": int(ttl_s * 1000)})
    return bool(rows and rows[0]["n"])


def finish(job: str, holder: str, status: str) -> None:
    driver.write(_FINISH, {"job": job, "holder": holder, "status": status})


class Lease:
    """``with Lease(job) as held:`` — ``held`` says whether this process runs the job; while the block runs
    a daemon thread renews the lease; leaving the block records the job done (status ``ok`` or ``failed``)."""

    def __init__(self, job: str, ttl_s: float = TTL_S) -> None:
        self.job, self.ttl_s, self.holder = job, ttl_s, new_holder()
        self.held = False
        self.status = "ok"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> bool:
        self.held = acquire(self.job, self.holder, self.ttl_s)
        if self.held:
            self._thread = threading.Thread(target=self._renew, name=f"lease {self.job}", daemon=True)
            self._thread.start()
        return self.held

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl_s / 3):
            try:
                if not renew(self.job, self.holder, self.ttl_s):
                    log.error("lease on %s was lost (taken over after expiry?)", self.job)
                    return
            except Exception:  # noqa: BLE001 - a renewal that fails is retried at the next interval
                log.exception("renewing the lease on %s failed", self.job)

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self.held:
            finish(self.job, self.holder, "failed" if exc_type is not None else self.status)
