"""Differences between two runs' effective permissions, for privilege-creep reports.

Works on anything with ``entries_as_strings()`` and ``sha256`` (AWS, Kubernetes, GCP results), so
one report covers every provider. ``None`` stands for "principal absent in that run".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


class Permissions(Protocol):
    @property
    def sha256(self) -> str: ...

    def entries_as_strings(self) -> list[str]: ...


def diff(before: Permissions | None, after: Permissions | None) -> tuple[list[str], list[str]]:
    """(gained, lost) entry strings, each sorted."""
    if before is not None and after is not None and before.sha256 == after.sha256:
        return [], []  # the common case after an ingest: skip building string sets
    old = set(before.entries_as_strings()) if before is not None else set()
    new = set(after.entries_as_strings()) if after is not None else set()
    return sorted(new - old), sorted(old - new)


@dataclass(frozen=True)
class PermissionChange:
    principal: str
    gained: tuple[str, ...]
    lost: tuple[str, ...]
    status: str  # "added", "removed" or "changed"


def changes(before: Mapping[str, Permissions], after: Mapping[str, Permissions]) -> list[PermissionChange]:
    """Per-principal changes between two runs (unchanged principals omitted), sorted by principal."""
    out = []
    for principal in sorted(set(before) | set(after)):
        old, new = before.get(principal), after.get(principal)
        gained, lost = diff(old, new)
        if old is None or new is None or gained or lost:
            status = "added" if old is None else "removed" if new is None else "changed"
            out.append(PermissionChange(principal, tuple(gained), tuple(lost), status))
    return out


def creep(change_list: list[PermissionChange]) -> list[PermissionChange]:
    """Only principals that gained something: the input of a privilege-creep report."""
    return [c for c in change_list if c.gained]


def gained_by_service(change_list: list[PermissionChange]) -> Counter[str]:
    """How many gained entries per service / verb prefix (``s3``, ``iam``, ``get``, ``roles/...``)."""
    counts: Counter[str] = Counter()
    for change in change_list:
        for entry in change.gained:
            head = entry.split(" ", 1)[0]
            counts[head.split(":", 1)[0] if ":" in head else head] += 1
    return counts
