"""Memoised entry sets that carry their entries' sort keys and hash lines: the fast path of ``aws_finish``.

The engine's per-document sets (``aws._allow_entries`` / ``aws._cut``, shared by every principal a policy is
attached to) are ``Group`` objects. The first time one reaches ``aws_finish`` it gets one *row* per entry:

* ``key``: the entry's fields joined by tab (list items by U+001F) in canonical order (action, resource,
  exceptions, deny_conditions, condition). When no field holds a character below U+0020 and no list item
  or condition is empty, plain string order of the keys *is* the canonical order of the entries
  (``aws_model.sort_entries``) and distinct entries have distinct keys;
* ``line``: the entry's canonical hash line (``aws_model.entry_line``);
* ``stem``: the action, a tab and the resource's literal prefix (the whole resource when it has no wildcard).

An entry of one service can only be pruned by a broad entry (wildcard action, or the global ``*``), by an
entry of the same action on the same resource, or by one of the same action whose wildcard resource starts
with its literal prefix — in the last two cases the covered entry's key starts with the other's stem. Keys
sharing a prefix are contiguous once sorted, so when a service's union holds no broad entry and no stem
starts a neighbouring key, pruning keeps every entry, and the service's canonical entries, order and hash
text come from C-level dict / sort / map / join over the rows: no per-entry Python work for principals whose
policies are mostly shared. Anything else (a broad entry, a possible cover, a service whose actions are all
granted and might fold into ``svc:*``, an unusual character) takes the reference path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain
from operator import itemgetter

from analysis.privileges.aws_actions import SERVICE_ACTIONS
from analysis.privileges.aws_model import Entry
from analysis.privileges.globs import has_wildcard, literal_prefix

Row = tuple[str, str, Entry, str, str]  # key, line, entry, stem, action
_KEY, _LINE, _ENTRY, _STEM, _ACTION = (itemgetter(i) for i in range(5))
_ITEM = "\x1f"


class Group(frozenset):  # type: ignore[type-arg]  # of Entry
    """A frozenset of entries that remembers its rows once computed (``rows_of``)."""

    __slots__ = ("_rows",)


def group(entries: Iterable[Entry]) -> Group:
    return Group(entries)


@lru_cache(maxsize=1 << 18)
def _row(e: Entry) -> Row | None:
    """The entry's row, or None when it needs the reference path (broad action, unusual characters)."""
    action, resource, exceptions, condition, notes = e
    if has_wildcard(action) or condition == "" or "" in exceptions or "" in notes:
        return None
    if not "".join((action, resource, *exceptions, *notes, condition or "")).isprintable():
        return None  # control characters (incl. tab / U+001F) would break the key order and the line
    cond = condition or ""
    head = f"{action}\t{resource}\t{_ITEM.join(exceptions)}\t"
    noted = _ITEM.join(notes)
    stem = f"{action}\t{literal_prefix(resource) if has_wildcard(resource) else resource}"
    return (f"{head}{noted}\t{cond}", f"{head}{cond}\t{noted}", e, stem, action)


def rows_of(entries: frozenset[Entry]) -> tuple[Row, ...] | None:
    """The rows of a ``Group`` (computed once), or None when one of its entries has none."""
    found = getattr(entries, "_rows", False)
    if found is not False:
        return found  # type: ignore[no-any-return]
    if not isinstance(entries, Group):
        return None
    rows = tuple(map(_row, entries))
    found = None if None in rows else rows
    entries._rows = found
    return found


def fast_service(svc: str, sets: Sequence[frozenset[Entry]]) -> tuple[list[Entry], str] | None:
    """The service's canonical entries and hash text when pruning and folding provably change nothing
    (see the module docstring), else None. The caller has checked that no ``*`` entry exists."""
    parts = []
    for s in sets:
        rows = rows_of(s)
        if rows is None:
            return None
        parts.append(rows)
    every = list(chain.from_iterable(parts))
    by_key = dict(zip(map(_KEY, every), every, strict=True))
    known = SERVICE_ACTIONS.get(svc)
    if known is not None and len(by_key) >= len(known) and known <= set(map(_ACTION, every)):
        return None  # every action of the service is granted somewhere: it might fold into svc:*
    keys = sorted(by_key)
    ordered = list(map(by_key.__getitem__, keys))
    stems = list(map(_STEM, ordered))
    # Keys that start with one stem are contiguous once sorted, and an entry's key starts with its own stem:
    # if any entry's stem starts another key, it starts a neighbour's key.
    if any(map(str.startswith, keys[1:], stems)) or any(map(str.startswith, keys, stems[1:])):
        return None  # some entry might cover another
    if not ordered:
        return [], ""
    return list(map(_ENTRY, ordered)), "\n".join(map(_LINE, ordered)) + "\n"
