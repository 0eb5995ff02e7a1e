"""What the GCP and Azure engines share: a grant's one-line text and a principal's hashed set of grants.

Both model a grant as a role on a resource, assigned (bound) at that resource or at a level above it, maybe
under a condition; both hash a principal's grants the same way, so a record's ``sha256`` moves exactly when
its canonical grants do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from analysis.privileges.globs import sha256_lines


def grant_text(role: str, resource: str, at: str, condition: str | None) -> str:
    """``<role> on <resource>``, ``(via <level>)`` when set above it, ``(if <condition>)`` if conditional."""
    text = f"{role} on {resource}"
    if at != resource:
        text += f" (via {at})"
    return text + (f" (if {condition})" if condition else "")


class GrantSet:
    """A principal's grants (NamedTuples with ``as_string``): de-duplicated, sorted by ``order``, hashed once
    (sha256 of one compact JSON line per grant)."""

    __slots__ = ("grants", "_sha256")

    def __init__(self, grants: Iterable[Any], order: Callable[[Any], Any]) -> None:
        self.grants: tuple[Any, ...] = tuple(sorted(set(grants), key=order))
        self._sha256: str | None = None

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = sha256_lines(json.dumps(list(g), separators=(",", ":")) for g in self.grants)
        return self._sha256

    def entries_as_strings(self) -> list[str]:
        return [g.as_string() for g in self.grants]
