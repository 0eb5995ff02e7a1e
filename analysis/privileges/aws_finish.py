"""The last step of ``aws.effective_permissions``: fold, prune, sort and hash — service by service, memoised.

A principal's entries are the union of per-document, per-service entry sets that the engine already
memoises (``aws._allow_entries`` / ``aws._cut``: one frozenset per document and service, shared by
every principal the document is attached to). Folding, pruning, sorting and hashing only ever look
at one service at a time (plus the ``*`` entries), so their result for a service depends only on
*which* sets contribute to it. Keyed on those sets' identities, a service fed only by shared managed
policies is computed once for the whole account; only services a principal's own inline policies
touch are computed per principal. This is the hot path of whole-account runs (see
``bench/bench_privileges.py``), where nearly every principal has a unique combination of documents
and the whole-result memo in ``aws`` never hits.

A service whose union provably loses nothing to folding or pruning (``aws_rows.fast_service``: no broad
entry, no entry whose stem could cover another) is merged, sorted and hashed from the sets' precomputed rows
(sort keys and hash lines) in C; any other goes through ``aws_prune.prune_sorted`` (one canonical sort per
service, survivors kept in order).
The result is identical to ``EffectivePermissions(prune(fold_services(grants)))``: entries of one
service all start with ``<service>:`` (``*`` for the global atom), so sorting the services by
``service + ":"`` and concatenating their sorted entries is the global canonical order, and the hash
of the concatenated canonical lines is the ``sha256`` of the whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from analysis.privileges.aws_actions import ALL, service_of
from analysis.privileges.aws_combine import fold_service, is_plain
from analysis.privileges.aws_model import EffectivePermissions, Entry, entry_line
from analysis.privileges.aws_prune import prune_sorted
from analysis.privileges.aws_rows import fast_service, group

Sources = Mapping[str, Sequence[frozenset[Entry]]]

# key: (service, ids of its contributing sets, ids of the "*" sets) -> (the sets themselves, kept alive so
# their ids cannot be reused while the entry exists; the service's canonical entries; their hash lines)
_SERVICE: dict[
    tuple[str, frozenset[int], frozenset[int]], tuple[tuple[frozenset[Entry], ...], list[Entry], str]
] = {}
# Keys seen once: a combination is stored only when it comes back, so accounts where nearly every
# principal's combination is unique (bench/bench_privileges.py) do not pay memory for a memo that never hits.
_SEEN: set[tuple[str, frozenset[int], frozenset[int]]] = set()
_SPLIT: dict[int, tuple[frozenset[Entry], dict[str, frozenset[Entry]]]] = {}
_MAX_CACHE = 200_000
_ADMIN = EffectivePermissions([Entry(ALL, "*")])


def split_by_service(entries: frozenset[Entry]) -> dict[str, frozenset[Entry]]:
    """``entries`` (one memoised set that may span services, e.g. ``*`` cut by a boundary) by service."""
    hit = _SPLIT.get(id(entries))
    if hit is not None and hit[0] is entries:
        return hit[1]
    parts: dict[str, set[Entry]] = {}
    for e in entries:
        parts.setdefault(service_of(e.action), set()).add(e)
    out: dict[str, frozenset[Entry]] = {svc: group(found) for svc, found in parts.items()}
    if len(_SPLIT) >= _MAX_CACHE:
        _SPLIT.clear()
    _SPLIT[id(entries)] = (entries, out)
    return out


def _service_key(svc: str) -> str:
    return svc + ":"


def finish(sources: Sources) -> EffectivePermissions:
    """Canonical permissions from the per-service sets that make them up."""
    all_sets = tuple(sources.get(ALL, ()))
    everything = list(frozenset().union(*all_sets)) if all_sets else []
    if any(is_plain(e) for e in everything):
        return _ADMIN  # "* on *" without caveats covers every other entry
    all_ids = frozenset(map(id, all_sets))
    if len(_SERVICE) >= _MAX_CACHE or len(_SEEN) >= _MAX_CACHE:
        _SERVICE.clear()
        _SEEN.clear()
    by_service: dict[str, list[Entry]] = {}
    ordered: list[Entry] = []
    lines: list[str] = []
    for svc in sorted(sources, key=_service_key):
        sets = tuple(sources[svc])
        key = (svc, frozenset(map(id, sets)), all_ids)
        hit = _SERVICE.get(key)
        if hit is None:
            fast = None if svc == ALL or all_sets else fast_service(svc, sets)
            if fast is None:
                union = set(everything) if svc == ALL else fold_service(svc, set().union(*sets))
                kept = prune_sorted(svc, union, everything)  # canonical order already
                # map + join stay in C; same text as one entry_line + "\n" per entry.
                fast = kept, "\n".join(map(entry_line, kept)) + "\n" if kept else ""
            hit = (sets + all_sets, *fast)
            if key in _SEEN:
                _SERVICE[key] = hit
            else:
                _SEEN.add(key)
        if hit[1]:
            by_service[svc] = hit[1]
            ordered.extend(hit[1])
            lines.append(hit[2])
    sha = hashlib.sha256("".join(lines).encode()).hexdigest()
    return EffectivePermissions.from_parts(by_service, tuple(ordered), sha)
