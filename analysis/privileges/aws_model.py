"""The result types of the AWS engine: ``Entry`` and ``EffectivePermissions``.

Canonical form
--------------
An ``EffectivePermissions`` is a sorted tuple of ``Entry(action, resource, exceptions, condition,
deny_conditions)``:

* ``action`` is an action atom (``*``, ``svc:*``, lower-case ``svc:action`` or an opaque pattern for
  actions policyuniverse does not know). Wildcards are only expanded where a Deny, ``NotAction`` or
  a boundary cuts into them, and concrete actions that together cover a whole known service are
  folded back into ``svc:*``;
* ``resource`` is an IAM glob (``*`` / ``?``), case-sensitive;
* ``exceptions`` is a sorted tuple of globs carved out of ``resource`` (``NotResource`` or a Deny on
  a narrower resource): ``s3:getobject on * except arn:aws:s3:::secret/*``;
* ``condition`` is the canonical JSON of the Allow's ``Condition`` block (a JSON list when several
  blocks must all hold, e.g. identity policy AND boundary), or None when unconditional;
* ``deny_conditions`` are canonical JSON notes ``{"condition": ..., ["resource"|"not_resource"]: ...}``
  of conditional Denies that may remove this grant at request time.

Entries are ordered by (action, resource, exceptions, deny_conditions, condition). Entries subsumed
by a broader entry with no more caveats are dropped, so one set of effective permissions has one
representation, and ``sha256`` (over one canonical line per entry, see ``entry_line``) is stable
across runs, processes and input ordering.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import Literal, NamedTuple

from analysis.privileges.aws_actions import ALL, atom_covers, service_of
from analysis.privileges.globs import (
    glob_covers,
    glob_matches,
    globs_may_overlap,
    has_wildcard,
    intersect_globs,
    sha256_lines,
)

Decision = bool | Literal["conditional"]


class Entry(NamedTuple):
    action: str
    resource: str
    exceptions: tuple[str, ...] = ()
    condition: str | None = None
    deny_conditions: tuple[str, ...] = ()


@lru_cache(maxsize=1 << 18)
def entry_to_string(entry: Entry) -> str:
    text = f"{entry.action} on {entry.resource}"
    if entry.exceptions:
        text += " except " + ", ".join(entry.exceptions)
    if entry.condition:
        text += f" (if {entry.condition})"
    for note in entry.deny_conditions:
        text += f" (unless denied: {note})"
    return text


@lru_cache(maxsize=1 << 18)
def entry_line(entry: Entry) -> str:
    """One canonical line per entry, hashed for ``sha256``: tab-separated fields, list items
    separated by U+001F; JSON (which escapes control characters) for the rare field holding one."""
    fields = (entry.action, entry.resource, *entry.exceptions, entry.condition or "", *entry.deny_conditions)
    if any("\t" in f or "\x1f" in f or "\n" in f for f in fields):
        return json.dumps(list(entry), separators=(",", ":"))
    return "\t".join(
        (
            entry.action,
            entry.resource,
            "\x1f".join(entry.exceptions),
            entry.condition or "",
            "\x1f".join(entry.deny_conditions),
        )
    )


def sort_entries(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    # Two stable passes keep the sort in C: by condition first (None sorts as ""), then by
    # (action, resource, exceptions, deny_conditions).
    items = list(set(entries))
    if any(e.condition is not None for e in items):
        items.sort(key=lambda e: e.condition or "")
    items.sort(key=itemgetter(0, 1, 2, 4))
    return tuple(items)


def _note_applies(note: str, resource: str) -> bool:
    parsed = json.loads(note)
    if "resource" in parsed:
        return any(glob_matches(p, resource) for p in parsed["resource"])
    if "not_resource" in parsed:
        return not any(glob_matches(p, resource) for p in parsed["not_resource"])
    return True


def _note_overlaps(note: str, target: str) -> bool:
    """Whether a conditional Deny noted on an entry can touch some resource of ``target``."""
    parsed = json.loads(note)
    if "resource" in parsed:
        return any(globs_may_overlap(p, target) for p in parsed["resource"])
    if "not_resource" in parsed:
        return not any(glob_covers(p, target) for p in parsed["not_resource"])
    return True


class Reach(NamedTuple):
    """What one grant reaches of a target resource set (``EffectivePermissions.reach``).

    ``narrowed`` is the pattern of the part reached: the target itself when the grant covers it,
    the grant's own pattern when the target covers the grant (``bucket/exports/*`` of
    ``bucket/*``), and the grant's pattern too for a partial overlap of two wildcard patterns (the
    exact intersection is not always one glob). ``exceptions`` are the carve-outs still inside it.
    """

    entry: Entry
    narrowed: str
    exceptions: tuple[str, ...]
    conditional: bool

    @property
    def full(self) -> bool:
        return not self.exceptions


class EffectivePermissions:
    """What one principal may do; immutable, hashable, comparable by content."""

    __slots__ = ("entries", "_sha256", "_by_service", "_actions")

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: tuple[Entry, ...] = sort_entries(entries)
        self._sha256: str | None = None
        self._by_service: dict[str, list[Entry]] | None = None
        self._actions: dict[str, list[str] | None] = {}

    @classmethod
    def from_parts(
        cls, by_service: dict[str, list[Entry]], ordered: tuple[Entry, ...], sha256: str
    ) -> EffectivePermissions:
        """An already canonical result (``aws_finish`` builds it service by service): ``ordered`` is
        sorted as ``sort_entries`` sorts it and ``sha256`` is its hash, so neither is recomputed."""
        obj = cls.__new__(cls)
        obj.entries, obj._sha256, obj._by_service, obj._actions = ordered, sha256, by_service, {}
        return obj

    @property
    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = sha256_lines(map(entry_line, self.entries))
        return self._sha256

    def entries_as_strings(self) -> list[str]:
        return [entry_to_string(e) for e in self.entries]

    def service_entries(self, svc: str) -> list[Entry]:
        """The entries of one service (``*``: those of the global atom), in canonical order."""
        if self._by_service is None:
            index: dict[str, list[Entry]] = defaultdict(list)
            for e in self.entries:
                index[service_of(e.action)].append(e)
            self._by_service = dict(index)
        return self._by_service.get(svc, [])

    def _candidates(self, action: str) -> list[Entry]:
        return self.service_entries(ALL) + self.service_entries(service_of(action))

    def _granting(self, action: str) -> list[Entry]:
        """The candidates whose action atom covers the lower-case ``action``, in ``_candidates`` order.

        A service's entries are in canonical order, so those of one concrete action are one run found by
        bisection — unless the service holds a wildcard atom, which only the full scan places right.
        """
        svc = service_of(action)
        if svc == ALL or has_wildcard(action):
            return [e for e in self._candidates(action) if atom_covers(e.action, action)]
        head = [e for e in self.service_entries(ALL) if atom_covers(e.action, action)]
        entries = self.service_entries(svc)
        actions = self._actions.get(svc, False)
        if actions is False:
            names = [e.action for e in entries]
            joined = "".join(names)
            actions = self._actions[svc] = None if "*" in joined or "?" in joined else names
        if actions is None:
            return head + [e for e in entries if atom_covers(e.action, action)]
        lo = bisect_left(actions, action)
        return head + entries[lo : bisect_right(actions, action, lo)]

    def matching(self, action: str, resource: str | None = None) -> list[Entry]:
        """Entries granting ``action`` (on ``resource`` when given, honouring exceptions)."""
        found = self._granting(action.strip().lower())
        if resource is None:
            return found
        return [
            e
            for e in found
            if glob_matches(e.resource, resource) and not any(glob_matches(x, resource) for x in e.exceptions)
        ]

    def allows(self, action: str, resource: str) -> Decision:
        """Decision for one concrete request: True, False, or "conditional" (depends on conditions)."""
        decision: Decision = False
        for e in self.matching(action, resource):
            caveats = e.condition is not None or any(_note_applies(n, resource) for n in e.deny_conditions)
            if not caveats:
                return True
            decision = "conditional"
        return decision

    def reach(self, action: str, target: str) -> tuple[Decision, list[Reach]]:
        """Resource-set intersection: does some grant of ``action`` overlap the set ``target``?

        ``target`` is a pattern for the resources of one store (``arn:aws:s3:::b/*``, every object
        of the bucket); a grant is access when its resource pattern overlaps it (exactly, with
        ``*`` / ``?`` on both sides) and its exceptions do not cover the whole overlap. Returns the
        decision (True / "conditional" / False) and what each granting entry reaches, unconditional
        and widest first.
        """
        found: list[Reach] = []
        for e in self._candidates(action.strip().lower()):
            if not atom_covers(e.action, action.strip().lower()):
                continue
            if not globs_may_overlap(e.resource, target):
                continue
            narrowed = intersect_globs(e.resource, target) or e.resource
            if any(glob_covers(x, narrowed) for x in e.exceptions):
                continue
            inside = tuple(x for x in e.exceptions if globs_may_overlap(x, narrowed))
            notes = e.deny_conditions
            conditional = e.condition is not None or any(_note_overlaps(n, narrowed) for n in notes)
            found.append(Reach(e, narrowed, inside, conditional))
        found.sort(key=lambda r: (r.conditional, r.narrowed != target, bool(r.exceptions), r.narrowed))
        if not found:
            return False, []
        return (True if not found[0].conditional else "conditional"), found

    def to_compact(self) -> list[list[object]]:
        """JSON-ready rows for storage per run; ``from_compact`` restores an equal object."""
        return [
            [e.action, e.resource, list(e.exceptions), e.condition, list(e.deny_conditions)]
            for e in self.entries
        ]

    @classmethod
    def from_compact(cls, rows: Sequence[Sequence[object]]) -> EffectivePermissions:
        return cls(
            Entry(str(a), str(r), tuple(x), c if c is None else str(c), tuple(d))  # type: ignore[arg-type]
            for a, r, x, c, d in rows
        )

    def __len__(self) -> int:
        return len(self.entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EffectivePermissions) and self.entries == other.entries

    def __hash__(self) -> int:
        return hash(self.entries)

    def __repr__(self) -> str:
        return f"EffectivePermissions({len(self.entries)} entries, sha256={self.sha256[:12]})"
