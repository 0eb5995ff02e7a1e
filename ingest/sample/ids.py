"""Deterministic identifiers and timestamps for the sample environment.

Every random choice in the generator goes through one `Ids` object seeded from the user's seed, and the
builders always run in the same order, so the same seed gives the same bytes. Nothing here reads the clock.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

_UPPER_ALNUM = string.ascii_uppercase + "234567"  # IAM unique ids use this base32-ish alphabet


class Ids:
    """Seeded generator for AWS / Kubernetes style identifiers."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._seen: set[str] = set()

    def _unique(self, make: Callable[[], str]) -> str:
        # Collisions are astronomically unlikely, but a duplicate id would silently merge two assets.
        while True:
            value = make()
            if value not in self._seen:
                self._seen.add(value)
                return value

    def hex(self, n: int) -> str:
        return f"{self.rng.getrandbits(4 * n):0{n}x}"

    def aws(self, prefix: str, n: int = 17) -> str:
        """`i-0abc…`, `sg-…`, `vol-…`, `eni-…`: AWS resource ids are a prefix plus lowercase hex."""
        # Current-format (17-character) ids start with "0" in practice: i-0abc…, sg-0abc…, vol-0abc….
        return self._unique(lambda: f"{prefix}-0{self.hex(n - 1)}" if n == 17 else f"{prefix}-{self.hex(n)}")

    def iam(self, prefix: str) -> str:
        """IAM unique ids: AIDA user, AROA role, ANPA policy, AGPA group, AIPA profile, AKIA key."""
        n = 16 if prefix == "AKIA" else 17
        return self._unique(lambda: prefix + "".join(self.rng.choices(_UPPER_ALNUM, k=n)))

    def account(self) -> str:
        return self._unique(lambda: str(self.rng.randint(100000000000, 999999999999)))

    def uid(self) -> str:
        """Kubernetes object uid (a random UUID v4 rendered like the API server does)."""

        def make() -> str:
            h = self.hex(32)
            return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:]}"

        return self._unique(make)

    def digest(self) -> str:
        return "sha256:" + self.hex(64)

    def suffix(self, n: int = 5) -> str:
        """Kubernetes generated-name suffix (lowercase consonants + digits, like the apiserver)."""
        alphabet = "bcdfghjklmnpqrstvwxz2456789"
        return "".join(self.rng.choices(alphabet, k=n))

    def ip(self, prefix: str) -> str:
        """A host address inside `prefix` ("10.0.1") — the last octet is random."""
        return self._unique(lambda: f"{prefix}.{self.rng.randint(4, 254)}")

    def public_ip(self) -> str:
        return self._unique(
            lambda: (
                f"{self.rng.choice((3, 18, 34, 44, 52, 54))}.{self.rng.randint(0, 255)}."
                f"{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"
            )
        )

    def mac(self) -> str:
        return self._unique(lambda: "0e:" + ":".join(self.hex(2) for _ in range(5)))


class Clock:
    """Timestamps relative to the first snapshot day, rendered the way each CLI prints them."""

    def __init__(self, start: date) -> None:
        self.start = datetime(start.year, start.month, start.day, 6, 0, 0, tzinfo=UTC)

    def collected_at(self, day: int) -> str:
        return (self.start + timedelta(days=day - 1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def ago(self, days: float, day: int = 1) -> datetime:
        return self.start + timedelta(days=day - 1) - timedelta(days=days)

    def aws(self, days_ago: float, day: int = 1) -> str:
        """AWS CLI v2 prints timestamps as ISO-8601 with a +00:00 offset."""
        return self.ago(days_ago, day).replace(microsecond=0).isoformat()

    def lambda_ts(self, days_ago: float) -> str:
        """Lambda's LastModified is a plain string in its own format: 2026-10-01T12:00:00.000+0000."""
        return self.ago(days_ago).strftime("%Y-%m-%dT%H:%M:%S.000+0000")

    def k8s(self, days_ago: float, day: int = 1) -> str:
        return self.ago(days_ago, day).strftime("%Y-%m-%dT%H:%M:%SZ")


def tags(**kv: str) -> list[dict[str, str]]:
    """AWS tag list; keys use `_` for `:`-free Python names, so pass odd keys through `tag_list`."""
    return [{"Key": k, "Value": v} for k, v in kv.items()]


def tag_list(pairs: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


def scaled(base: float, scale: float) -> int:
    """Bulk counts grow linearly with `scale`; rounding keeps fractional scales meaningful."""
    return max(0, int(round(base * scale)))
