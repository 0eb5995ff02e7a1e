"""The set algebra behind ``aws.effective_permissions``: boundary intersection, Deny cutting,
folding concrete actions back into ``svc:*`` and pruning subsumed entries.

Grants are held per service (``Grants``: service -> entries, ``*`` for the global atom) because
almost every operation only concerns one service: a Deny on ``s3:DeleteBucket`` never needs to
look at the principal's 800 EC2 entries, and only ``*`` / ``svc:*`` / same-action entries can
subsume an entry. The per-entry operations are memoised because the same entries and the same
Deny statements recur across thousands of principals.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from operator import itemgetter

from analysis.privileges.aws_actions import (
    ALL,
    SERVICE_ACTIONS,
    atom_covers,
    intersect_atom,
    is_service_wildcard,
    service_of,
    subtract_atom,
)
from analysis.privileges.aws_model import Entry
from analysis.privileges.aws_policy import Statement
from analysis.privileges.globs import (
    and_conditions,
    glob_covers,
    globs_may_overlap,
    has_wildcard,
    intersect_globs,
    literal_prefix,
)

Grants = dict[str, set[Entry]]
# Per-document allow entries by service, shared and never mutated.
FrozenGrants = Mapping[str, frozenset[Entry]]


def group_by_service(entries: Iterable[Entry]) -> Grants:
    grants: Grants = defaultdict(set)
    for e in entries:
        grants[service_of(e.action)].add(e)
    return grants


def _overlapping(exceptions: Iterable[str], resource: str) -> tuple[str, ...]:
    return tuple(sorted({x for x in exceptions if globs_may_overlap(x, resource)}))


def intersect_boundary(svc: str, group: Iterable[Entry], boundary: FrozenGrants) -> set[Entry]:
    """Identity allows of one service ∩ boundary allows, entry by entry (conditions are ANDed)."""
    if svc == ALL:
        candidates = [b for bounds in boundary.values() for b in bounds]
    else:
        candidates = list(boundary.get(ALL, ())) + list(boundary.get(svc, ()))
    out: set[Entry] = set()
    for g in group:
        for b in candidates:
            actions = intersect_atom(g.action, frozenset({b.action}))
            resource = intersect_globs(g.resource, b.resource) if actions else None
            if resource is None:
                continue
            exceptions = _overlapping(g.exceptions + b.exceptions, resource)
            condition = and_conditions(g.condition, b.condition)
            out.update(Entry(a, resource, exceptions, condition) for a in actions)
    return out


@lru_cache(maxsize=1 << 14)
def _deny_note(deny: Statement, partial: tuple[str, ...] | None) -> str:
    note: dict[str, object] = {"condition": json.loads(deny.condition or "null")}
    if deny.not_resources is not None:
        note["not_resource"] = list(deny.not_resources)
    elif partial is not None:
        note["resource"] = sorted(partial)
    return json.dumps(note, sort_keys=True, separators=(",", ":"))


_new = tuple.__new__


@lru_cache(maxsize=1 << 20)
def deny_one(e: Entry, deny: Statement) -> tuple[Entry, ...]:
    """What remains of one allow entry after one Deny."""
    overlap = intersect_atom(e.action, deny.actions)
    if not overlap:
        return (e,)
    partial: tuple[str, ...] | None = None
    if deny.resources is not None:
        if not any(glob_covers(r, e.resource) for r in deny.resources):
            partial = tuple(
                r
                for r in deny.resources
                if globs_may_overlap(r, e.resource) and not any(glob_covers(x, r) for x in e.exceptions)
            )
            if not partial:
                return (e,)
    elif any(glob_covers(n, e.resource) for n in deny.not_resources or ()):
        return (e,)  # the resource lies entirely inside what the Deny spares
    rest = frozenset() if overlap == {e.action} else subtract_atom(e.action, deny.actions)
    # ``_new`` is ``e._replace`` without its per-call keyword handling (this runs for every cut entry).
    resource, exceptions, condition, notes = e.resource, e.exceptions, e.condition, e.deny_conditions
    out = [_new(Entry, (a, resource, exceptions, condition, notes)) for a in rest]
    for a in overlap:
        if deny.condition is not None:
            note = _deny_note(deny, partial)
            added = (note,) if not notes else tuple(sorted(set(notes) | {note}))
            out.append(_new(Entry, (a, resource, exceptions, condition, added)))
        elif partial is not None:
            narrowed = _overlapping(set(exceptions) | set(partial), resource)
            out.append(_new(Entry, (a, resource, narrowed, condition, notes)))
        elif deny.not_resources is not None:
            for spared in deny.not_resources:
                inside = intersect_globs(resource, spared)
                if inside is not None:
                    out.append(_new(Entry, (a, inside, _overlapping(exceptions, inside), condition, notes)))
        # else: denied outright on the whole resource — nothing of it remains
    return tuple(out)


@lru_cache(maxsize=1 << 14)
def _deny_services(deny: Statement) -> frozenset[str]:
    return frozenset(service_of(a) for a in deny.actions)


class DenyIndex:
    """Which of a principal's Denies can touch entries of a given service (computed lazily: a
    NotAction Deny names hundreds of services, a principal's entries span a few dozen)."""

    def __init__(self, denies: Iterable[Statement]) -> None:
        self.denies = tuple(dict.fromkeys(denies))  # statements are interned: repeats collapse
        self._everywhere = tuple(d for d in self.denies if ALL in _deny_services(d))
        self._memo: dict[str, tuple[Statement, ...]] = {}

    def for_service(self, svc: str) -> tuple[Statement, ...]:
        if svc == ALL:
            return self.denies
        found = self._memo.get(svc)
        if found is None:
            found = self._everywhere + tuple(
                d for d in self.denies if svc in _deny_services(d) and d not in self._everywhere
            )
            self._memo[svc] = found
        return found


def apply_denies(entries: Iterable[Entry], denies: tuple[Statement, ...]) -> set[Entry]:
    """What remains of ``entries`` after every Deny in ``denies``."""
    out: set[Entry] = set()
    for e in entries:
        pieces: tuple[Entry, ...] = (e,)
        for deny in denies:
            if len(pieces) == 1:
                pieces = deny_one(pieces[0], deny)
            else:
                pieces = tuple(p for piece in pieces for p in deny_one(piece, deny))
        out.update(pieces)
    return out


def fold_service(svc: str, group: set[Entry]) -> set[Entry]:
    """Replace concrete actions of ``svc`` that together cover the whole known service with ``svc:*``."""
    known = SERVICE_ACTIONS.get(svc)
    if not known or len(group) < len(known):
        return group  # the usual case: too few entries to be complete
    if not known <= {e.action for e in group}:
        return group  # no resource can have every action if the service's entries together lack one
    by_rest: dict[tuple[object, ...], set[str]] = defaultdict(set)
    for e in group:
        if not has_wildcard(e.action):
            by_rest[(e.resource, e.exceptions, e.condition, e.deny_conditions)].add(e.action)
    for (resource, exceptions, condition, notes), actions in by_rest.items():
        if known <= actions:
            group -= {Entry(a, resource, exceptions, condition, notes) for a in known}  # type: ignore[arg-type]
            group.add(Entry(f"{svc}:*", resource, exceptions, condition, notes))  # type: ignore[arg-type]
    return group


def fold_services(grants: Grants) -> Grants:
    """``fold_service`` for every service of ``grants`` (in place)."""
    for svc, group in grants.items():
        grants[svc] = fold_service(svc, group)
    return grants


@lru_cache(maxsize=1 << 20)
def _subsumes(big: Entry, small: Entry) -> bool:
    return (
        big != small
        and glob_covers(big.resource, small.resource)
        and (big.condition is None or big.condition == small.condition)
        and set(big.deny_conditions) <= set(small.deny_conditions)
        and atom_covers(big.action, small.action)
        and all(
            any(glob_covers(y, x) for y in small.exceptions) or not globs_may_overlap(x, small.resource)
            for x in big.exceptions
        )
    )


def is_plain(e: Entry) -> bool:
    """Granted on every resource without condition, exception or conditional Deny."""
    return e.resource == "*" and not e.exceptions and e.condition is None and not e.deny_conditions


def prune(grants: Grants) -> list[Entry]:
    """Drop entries that a broader entry with no more caveats already grants."""
    everything = list(grants.get(ALL, ()))
    if any(is_plain(e) for e in everything):
        return [Entry(ALL, "*")]  # "* on *" without caveats covers every other entry
    kept: list[Entry] = []
    for svc, group in grants.items():
        kept.extend(prune_service(svc, group, everything))
    return kept


def prune_service(svc: str, group: Iterable[Entry], everything: list[Entry]) -> list[Entry]:
    """The entries of one service that no broader entry covers (``everything``: the ``*`` entries).

    Only ``*``, ``svc:*`` / opaque patterns of the service, or the same action on a wildcard
    resource (whose literal prefix starts ours) or on the same resource can cover an entry.
    """
    kept: list[Entry] = []
    broad = everything if svc == ALL else everything + [e for e in group if has_wildcard(e.action)]
    if svc != ALL and any(is_plain(e) and is_service_wildcard(e.action) for e in broad):
        # "svc:* on *" without caveats: only other broad entries could add anything.
        return [e for e in broad if e not in everything and not any(_subsumes(c, e) for c in broad)]
    by_action: dict[str, list[Entry]] = defaultdict(list)
    for e in group:
        by_action[e.action].append(e)
    for same in by_action.values():
        if len(same) == 1:  # the common case: only a broader action could cover it
            e = same[0]
            if not broad or not any(_subsumes(c, e) for c in broad):
                kept.append(e)
            continue
        by_resource: dict[str, list[Entry]] = defaultdict(list)
        for c in same:
            by_resource[c.resource].append(c)
        # Same action: a wildcard resource whose literal prefix starts ours, or our resource.
        wide_covered = _covered_by_wide(same)
        for e in same:
            if e in wide_covered or (broad and any(_subsumes(c, e) for c in broad)):
                continue
            twins = by_resource[e.resource]
            if len(twins) > 1 and any(_subsumes(c, e) for c in twins):
                continue
            kept.append(e)
    return kept


def _covered_by_wide(same: list[Entry]) -> set[Entry]:
    """Entries of one action covered by another entry of it with a wildcard resource.

    Entries whose resource starts with a wildcard entry's literal prefix are contiguous once sorted
    by resource, so each wildcard entry is compared only with that run (usually just a few entries)
    instead of with every entry of the action, which made long lists of bucket globs quadratic.
    """
    wide = [c for c in same if has_wildcard(c.resource)]
    if not wide:  # most actions: concrete resources only, nothing to sort
        return set()
    ordered = sorted(same, key=itemgetter(1))
    keys = [e.resource for e in ordered]
    covered: set[Entry] = set()
    for c in wide:
        prefix = literal_prefix(c.resource)
        i = bisect_left(keys, prefix)
        while i < len(keys) and keys[i].startswith(prefix):
            e = ordered[i]
            if e not in covered and _subsumes(c, e):
                covered.add(e)
            i += 1
    return covered
