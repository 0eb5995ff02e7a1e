"""Per-key token buckets: each API key gets one bucket per class of endpoint.

Classes and their defaults (settings `INVGRAPH_RATE_<CLASS>_PER_MIN` / `_BURST`): dashboard widgets are
cheap cached answers and get a generous bucket; ad-hoc Cypher and exposure path searches can each keep
Neo4j busy for seconds and get a tight one; everything else sits in between. A refused request gets 429
with `Retry-After` (whole seconds until a token is back) and is counted in /metrics. Buckets live in the
process: with several workers each enforces its own (documented in docs/api.md).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from config import ApiSettings

CLASSES: tuple[str, ...] = ("widgets", "cypher", "paths", "default")
_MAX_BUCKETS = 100_000


def classify(path: str) -> str:
    if path.startswith("/api/v1/widgets"):
        return "widgets"
    if path.startswith("/api/v1/cypher") or (path.startswith("/api/v1/queries/") and path.endswith("/run")):
        return "cypher"
    if path.startswith("/api/v1/exposure/paths"):
        return "paths"
    return "default"


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, settings: ApiSettings) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._rates = {
            c: (getattr(settings, f"rate_{c}_per_min") / 60.0, getattr(settings, f"rate_{c}_burst"))
            for c in CLASSES
        }

    def take(self, key_id: str, cls: str) -> float:
        """0.0 when a token was taken, else the seconds until one is available."""
        rate, burst = self._rates[cls]
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get((key_id, cls))
            if bucket is None:
                if len(self._buckets) >= _MAX_BUCKETS:
                    self._buckets.clear()  # bounded memory; a reset only ever grants more
                bucket = self._buckets[(key_id, cls)] = _Bucket(float(burst), now)
            bucket.tokens = min(float(burst), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / rate if rate > 0 else math.inf


def retry_after(wait_s: float) -> str:
    return str(max(1, math.ceil(min(wait_s, 86_400))))
