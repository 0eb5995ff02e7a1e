"""Prune one service's entries and return them already in canonical order (the hot path of ``aws_finish``).

``aws_combine.prune_service`` is the reference: it groups entries by action in a dict, sorts each action's
entries by resource again for every action with a wildcard resource, and ``aws_finish`` then sorts the
survivors a second time. In whole-account runs (``bench/bench_privileges.py``) that was about a third of the
CPU: ~16 services x ~55 entries per principal, ~200 multi-entry actions each. Here the service's entries are
sorted once in canonical order (``aws_model.sort_entries``: action, resource, exceptions, deny_conditions,
condition); then one action's entries are one contiguous run, already ordered by resource, so

* the "wide resource covers a narrower one" check bisects that run directly (no per-action sort);
* same-resource twins are neighbours (no per-action dict);
* the survivors are a subsequence of a sorted list, so they need no second sort.

The decision for each entry is exactly ``prune_service``'s (same candidates, same ``_subsumes``), so the
result equals ``sort_entries(prune_service(...))``; ``tests/unit/privileges/test_privileges_prune.py``
checks that on random groups.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import groupby
from operator import itemgetter

from analysis.privileges.aws_actions import ALL, is_service_wildcard
from analysis.privileges.aws_combine import _subsumes, is_plain, prune_service
from analysis.privileges.aws_model import Entry, sort_entries
from analysis.privileges.globs import has_wildcard, literal_prefix

_CANONICAL = itemgetter(0, 1, 2, 4)
_ACTION = itemgetter(0)


def _canonical_order(group: set[Entry] | frozenset[Entry]) -> list[Entry]:
    # As ``sort_entries`` but without its de-duplicating set: ``group`` is a set already.
    items = list(group)
    if any(e.condition is not None for e in items):
        items.sort(key=lambda e: e.condition or "")
        items.sort(key=_CANONICAL)
    else:
        # Every condition is None: the entries' own tuple order (action, resource, exceptions, None,
        # deny_conditions) is the canonical one, and sorting without a key builds no key tuples.
        items.sort()
    return items


def prune_sorted(svc: str, group: set[Entry] | frozenset[Entry], everything: list[Entry]) -> list[Entry]:
    """``list(sort_entries(prune_service(svc, group, everything)))``, computed with one sort."""
    if svc == ALL:
        return list(sort_entries(prune_service(svc, group, everything)))
    ordered = _canonical_order(group)
    broad = everything + [e for e in ordered if has_wildcard(e.action)]
    if any(is_plain(e) and is_service_wildcard(e.action) for e in broad):
        # "svc:* on *" without caveats: the reference only looks at the few broad entries then.
        return list(sort_entries(prune_service(svc, group, everything)))
    kept: list[Entry] = []
    for _, same_iter in groupby(ordered, key=_ACTION):
        run = list(same_iter)
        if len(run) == 1:  # the common case: only a broader action could cover it
            e = run[0]
            if not broad or not any(_subsumes(c, e) for c in broad):
                kept.append(e)
        else:
            kept.extend(_prune_run(run, broad))
    return kept


def _prune_run(run: list[Entry], broad: list[Entry]) -> list[Entry]:
    """The entries of one action (``run``, sorted by resource first) that nothing covers."""
    keys = [e.resource for e in run]
    n = len(keys)
    covered: set[int] = set()
    for idx, r in enumerate(keys):
        if "*" not in r and "?" not in r:
            continue
        # Entries whose resource starts with the wildcard's literal prefix are contiguous here; the
        # wildcard entry itself is skipped (``_subsumes`` of an entry and itself is False anyway).
        prefix = literal_prefix(r)
        c = run[idx]
        i = bisect_left(keys, prefix)
        while i < n and keys[i].startswith(prefix):
            if i != idx and i not in covered and _subsumes(c, run[i]):
                covered.add(i)
            i += 1
    if not covered and not broad and len(set(keys)) == n:
        return run  # the usual case: distinct resources, none inside another's wildcard
    kept: list[Entry] = []
    for k, e in enumerate(run):
        if k in covered or (broad and any(_subsumes(c, e) for c in broad)):
            continue
        r = keys[k]
        if (k > 0 and keys[k - 1] == r) or (k + 1 < n and keys[k + 1] == r):
            lo = bisect_left(keys, r)
            hi = lo
            while hi < n and keys[hi] == r:
                hi += 1
            if any(_subsumes(c, e) for c in run[lo:hi]):
                continue
        kept.append(e)
    return kept
