"""Widget results cached per run, with the "which run is latest" check itself cached for a moment.

Key: (widget name, its parameters and the API key's scope list, see api/routers/widgets.py; the exposure
paths answers use the same cache, api/routers/exposure.py). An entry is valid while the *run marker* —
latest IngestRun id and status, latest ControlRun id, latest complete ExposureRun id — is the one it was
computed under. Every process derives its entries from the graph alone, so any number of API replicas
serve the same answers for the same marker (docs/operations.md "Cluster / Aura").
A new ingest run, a run finishing (its drift and privilege records land before the status flips), a new
control run or a new exposure computation changes the marker and so invalidates every entry at once.

The marker is one tiny query on three small labels, re-read at most every `MARKER_TTL_S`, so at
1,000+ requests/s the graph sees about one marker query per second per worker, not one per request. A
hit on a fresh marker needs no thread hop and no I/O (see `peek`), which is what lets the async widget
endpoint answer without touching Neo4j.

`MAX_AGE_S` bounds staleness from changes that are not runs (a finding muted between runs).
Settling: a control run node is created *before* its findings are updated (queries/findings.py), so a
widget computed right after a marker change may see half-written findings. Entries computed within
`SETTLE_S` of a marker change therefore live only `SETTLE_TTL_S`; once the writer is done the next
recompute is final. The marker also carries `ControlRun.finished_at` when the controls code sets it, which
makes the end of a control run an invalidation of its own.
One lock per key: when a run lands, one request recomputes while the others wait for its result instead
of stampeding Neo4j with identical queries.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter

from graph import driver

MARKER_TTL_S = 1.5
MAX_AGE_S = 300.0
SETTLE_S = 30.0
SETTLE_TTL_S = 5.0

_MARKER_QUERY = """
CALL () {
  OPTIONAL MATCH (r:IngestRun) WHERE r.started_at IS NOT NULL
  RETURN r.id AS ingest, r.status AS status ORDER BY r.started_at DESC LIMIT 1
}
CALL () {
  OPTIONAL MATCH (c:ControlRun) WHERE c.at IS NOT NULL
  RETURN c.id AS control, toString(c.finished_at) AS control_finished ORDER BY c.at DESC LIMIT 1
}
CALL () {
  OPTIONAL MATCH (x:ExposureRun {status: 'ok'}) WHERE x.finished_at IS NOT NULL
  RETURN x.run_id AS exposure ORDER BY x.finished_at DESC LIMIT 1
}
RETURN ingest, status, control, control_finished, exposure
"""


@dataclass(frozen=True)
class RunMarker:
    ingest_run_id: str | None
    ingest_status: str | None
    control_run_id: str | None
    control_finished: str | None = None
    exposure_run_id: str | None = None


def read_marker() -> RunMarker:
    """Read in a READ transaction that also advances this process's bookmarks (graph/driver.py): whatever
    is computed under this marker afterwards reads a server that has applied at least what it names."""
    rows = driver.read(_MARKER_QUERY)
    row = rows[0] if rows else {}
    return RunMarker(
        row.get("ingest"),
        row.get("status"),
        row.get("control"),
        row.get("control_finished"),
        row.get("exposure"),
    )


@dataclass(frozen=True)
class Entry:
    marker: RunMarker
    body: bytes
    created: float


class WidgetCache:
    """Per process (per app): each uvicorn worker keeps its own copy, which costs one compute per worker."""

    def __init__(
        self,
        registry: CollectorRegistry,
        marker_ttl_s: float = MARKER_TTL_S,
        max_age_s: float = MAX_AGE_S,
        marker_reader: Callable[[], RunMarker] = read_marker,
    ) -> None:
        self.marker_ttl_s, self.max_age_s, self._read_marker = marker_ttl_s, max_age_s, marker_reader
        self._marker: RunMarker | None = None
        self._marker_expires = 0.0
        self._marker_changed = float("-inf")  # when this process last saw the marker move
        self._marker_lock = threading.Lock()
        self._entries: dict[tuple[str, tuple[object, ...]], Entry] = {}
        self._locks: dict[tuple[str, tuple[object, ...]], threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self.hits = Counter(
            "invgraph_widget_cache_hits_total",
            "Widget answers served from the cache.",
            ["widget"],
            registry=registry,
        )
        self.misses = Counter(
            "invgraph_widget_cache_misses_total",
            "Widget answers computed from the graph (first request or new run).",
            ["widget"],
            registry=registry,
        )
        self.marker_reads = Counter(
            "invgraph_widget_run_marker_reads_total",
            "Queries for the latest run ids (at most one per marker TTL).",
            registry=registry,
        )

    def fresh_marker(self) -> RunMarker | None:
        """The cached marker if still within its TTL; never blocks on I/O."""
        marker = self._marker
        return marker if marker is not None and time.monotonic() < self._marker_expires else None

    def marker(self) -> RunMarker:
        """The current marker, re-read from the graph when older than the TTL (blocking)."""
        marker = self.fresh_marker()
        if marker is not None:
            return marker
        with self._marker_lock:  # one reader refreshes; concurrent callers reuse its answer
            marker = self.fresh_marker()
            if marker is None:
                marker = self._read_marker()
                self.marker_reads.inc()
                if self._marker is not None and marker != self._marker:
                    self._marker_changed = time.monotonic()
                self._marker, self._marker_expires = marker, time.monotonic() + self.marker_ttl_s
            return marker

    def _valid(self, entry: Entry | None, marker: RunMarker) -> bool:
        if entry is None or entry.marker != marker:
            return False
        settling = entry.created - self._marker_changed < SETTLE_S
        return time.monotonic() - entry.created < (SETTLE_TTL_S if settling else self.max_age_s)

    def peek(self, name: str, params: tuple[object, ...]) -> bytes | None:
        """A cached body if both the marker and the entry are fresh; None means "call `get`"."""
        marker = self.fresh_marker()
        entry = self._entries.get((name, params))
        if marker is None or entry is None or not self._valid(entry, marker):
            return None
        self.hits.labels(name).inc()
        return entry.body

    def get(
        self, name: str, params: tuple[object, ...], compute: Callable[[RunMarker], bytes]
    ) -> tuple[bytes, bool]:
        """(body, was_hit). Blocking: may read the marker and run the widget's queries."""
        key = (name, params)
        marker = self.marker()
        entry = self._entries.get(key)
        if self._valid(entry, marker):
            self.hits.labels(name).inc()
            return entry.body, True  # type: ignore[union-attr]
        with self._locks_lock:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            entry = self._entries.get(key)
            if self._valid(entry, marker):  # computed by the request we waited for
                self.hits.labels(name).inc()
                return entry.body, True  # type: ignore[union-attr]
            body = compute(marker)
            self.misses.labels(name).inc()
            self._entries[key] = Entry(marker, body, time.monotonic())
            return body, False

    def clear(self) -> None:
        self._entries.clear()
        self._marker, self._marker_expires = None, 0.0
