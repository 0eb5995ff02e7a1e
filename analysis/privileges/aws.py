"""Effective AWS IAM permissions of a principal, computed from its policy documents alone.

Evaluation follows IAM's order (no resource or session policies): the identity policies' Allows (a
user's include its groups'), intersected with the permissions boundary's Allows when there is one and
with each level of the organization's service control policies (``caps``: root, OUs, account; one
level allows what *any* of its SCPs allows), minus every explicit Deny of any of them. Conditions
are never evaluated: a conditional Allow becomes a conditional entry, a conditional Deny is noted on
the entries it may cut. See ``aws_model`` for the canonical form of the result.

Cost is kept low for whole-account runs by memoising: statements per unique document
(``aws_policy``), allow entries per unique document, each document's entries after the boundary and
the Denies that concern them (and, in one step, per distinct set of caps and Denies), each service's
folded, pruned, sorted and hashed entries per unique combination of contributing sets
(``aws_finish``), and whole results per unique combination of documents (roles stamped from one
template share one computation).
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from analysis.privileges.aws_actions import ALL
from analysis.privileges.aws_combine import (
    DenyIndex,
    apply_denies,
    deny_one,
    group_by_service,
    intersect_boundary,
)
from analysis.privileges.aws_finish import finish, split_by_service
from analysis.privileges.aws_model import Decision, EffectivePermissions, Entry, entry_to_string
from analysis.privileges.aws_policy import PolicyDocument, Statement, parse_document
from analysis.privileges.aws_rows import group as entry_group
from analysis.privileges.aws_trust import Principal, assumable_by, transitive_assume

__all__ = [
    "level_statements",
    "Decision",
    "EffectivePermissions",
    "Entry",
    "Principal",
    "assumable_by",
    "batch_mode",
    "effective_permissions",
    "entry_to_string",
    "transitive_assume",
]

_ALLOWS: dict[int, dict[str, frozenset[Entry]]] = {}
_AFFECTS: dict[tuple[int, Statement], bool] = {}
_BOUNDED: dict[tuple[int, int], frozenset[Entry]] = {}
_CUT: dict[tuple[int, tuple[Statement, ...]], frozenset[Entry]] = {}
# Whole ``_cut`` per (document group, caps, the principal's Denies for the service). Principals of one
# account share their SCP Denies and most share their few identity Denies, so a managed policy's group
# is cut once per distinct Deny set instead of re-checking each Deny against it for every principal.
# Keys hold ids of ``_allow_entries`` groups and of statement tuples (alive for the process, see there)
# and the Deny statements themselves.
_WHOLE: dict[tuple[int, tuple[int, ...], tuple[Statement, ...]], frozenset[Entry]] = {}
_RESULTS: dict[tuple[frozenset[int], int | None, tuple[int, ...]], EffectivePermissions] = {}
# One statements tuple per distinct level of SCPs (the union of the level's documents), kept alive
# here so that its id is a sound memo key for ``_ALLOWS`` / ``_BOUNDED``.
_LEVELS: dict[tuple[int, ...], tuple[Statement, ...]] = {}
_MAX_CACHE = 1_000_000


def _allow_entries(statements: tuple[Statement, ...]) -> dict[str, frozenset[Entry]]:
    """Allow entries of one document, by service (memoised per unique document)."""
    cached = _ALLOWS.get(id(statements))
    if cached is None:
        out: set[Entry] = set()
        for s in statements:
            if s.effect != "Allow":
                continue
            for atom in s.actions:
                if s.resources is not None:
                    out.update(Entry(atom, r, (), s.condition) for r in s.resources)
                else:
                    out.add(Entry(atom, "*", s.not_resources or (), s.condition))
        cached = {svc: entry_group(found) for svc, found in group_by_service(out).items()}
        _ALLOWS[id(statements)] = cached  # statement tuples live forever in aws_policy's cache
    return cached


def _affecting(group: frozenset[Entry], denies: tuple[Statement, ...]) -> tuple[Statement, ...]:
    """The Denies that change at least one entry of ``group`` (memoised per document and Deny).

    A Deny on one bucket concerns every s3 entry by service but changes few documents; keying the
    ``_cut`` memo on the Denies that matter lets principals with different Deny sets share it.
    """
    found = []
    for deny in denies:
        key = (id(group), deny)
        hit = _AFFECTS.get(key)
        if hit is None:
            hit = any(deny_one(e, deny) != (e,) for e in group)
            _AFFECTS[key] = hit
        if hit:
            found.append(deny)
    return tuple(found)


def _bounded(svc: str, group: frozenset[Entry], bound: tuple[Statement, ...]) -> frozenset[Entry]:
    """One document's entries of one service intersected with the boundary (memoised)."""
    key = (id(group), id(bound))
    cached = _BOUNDED.get(key)
    if cached is None:
        cached = entry_group(intersect_boundary(svc, group, _allow_entries(bound)))
        _BOUNDED[key] = cached
    return cached


def _caps(
    bound: tuple[Statement, ...] | None, levels: tuple[tuple[Statement, ...], ...]
) -> tuple[tuple[Statement, ...], ...]:
    """The allow-lists a grant must also fall inside: the boundary, then every SCP level that does not
    allow ``*`` on ``*`` unconditionally (``FullAWSAccess`` levels cap nothing and are skipped)."""
    out = (bound,) if bound is not None else ()
    return out + tuple(level for level in levels if not _allows_everything(level))


def _allows_everything(statements: tuple[Statement, ...]) -> bool:
    return any(
        s.effect == "Allow" and ALL in s.actions and s.resources == ("*",) and s.condition is None
        for s in statements
    )


def level_statements(docs: Iterable[PolicyDocument | str]) -> tuple[Statement, ...]:
    """One SCP level (the policies attached to one root, OU or account) as one statements tuple."""
    parsed = [parse_document(d) for d in docs]
    key = tuple(id(p) for p in parsed)
    found = _LEVELS.get(key)
    if found is None:
        found = tuple(s for p in parsed for s in p)
        _LEVELS[key] = found
    return found


def _cut(
    svc: str,
    group: frozenset[Entry],
    bounds: tuple[tuple[Statement, ...], ...],
    denies: tuple[Statement, ...],
) -> frozenset[Entry]:
    """One document's entries of one service after the boundary and the Denies.

    Both steps work entry by entry, so they distribute over the union of documents: doing them per
    (document, service) and memoising lets principals that share managed policies share the work.
    """
    whole_key = (id(group), tuple(map(id, bounds)), denies)
    found = _WHOLE.get(whole_key)
    if found is not None:
        return found
    if len(_CUT) + len(_AFFECTS) + len(_BOUNDED) + len(_WHOLE) >= _MAX_CACHE:
        # Cleared together: their keys hold ids of frozensets that only these caches keep alive.
        for cache in (_CUT, _AFFECTS, _BOUNDED, _WHOLE):
            cache.clear()
    _WHOLE[whole_key] = found = _cut_uncached(svc, group, bounds, denies)
    return found


def _cut_uncached(
    svc: str,
    group: frozenset[Entry],
    bounds: tuple[tuple[Statement, ...], ...],
    denies: tuple[Statement, ...],
) -> frozenset[Entry]:
    for bound in bounds:
        group = _bounded(svc, group, bound)
    denies = _affecting(group, denies)
    if not denies:
        return group
    key = (id(group), denies)
    cached = _CUT.get(key)
    if cached is None:
        cached = entry_group(apply_denies(group, denies))
        _CUT[key] = cached
    return cached


def effective_permissions(
    policies: Iterable[PolicyDocument | str],
    boundary: PolicyDocument | str | None = None,
    group_policies: Iterable[PolicyDocument | str] = (),
    scp_levels: tuple[tuple[Statement, ...], ...] = (),
) -> EffectivePermissions:
    """Effective permissions of one user, group or role.

    ``policies`` are its managed and inline identity policy documents; ``group_policies`` those of
    a user's groups (they count as the user's own); ``boundary`` its permissions boundary;
    ``scp_levels`` the SCPs that govern its account, one ``level_statements`` per root / OU / account.
    """
    identity = [parse_document(d) for d in [*policies, *group_policies]]
    bound = parse_document(boundary) if boundary is not None else None
    key = (
        frozenset(id(s) for s in identity),
        id(bound) if bound is not None else None,
        tuple(id(level) for level in scp_levels),
    )
    cached = _RESULTS.get(key)
    if cached is not None:
        return cached

    denies = [s for stmts in identity for s in stmts if s.effect == "Deny"]
    denies += [s for s in bound or () if s.effect == "Deny"]
    denies += [s for level in scp_levels for s in level if s.effect == "Deny"]
    bounds = _caps(bound, scp_levels)
    index = DenyIndex(denies)
    # Per service, the memoised sets that make up the principal's grants (see ``aws_finish``).
    sources: dict[str, list[frozenset[Entry]]] = defaultdict(list)
    for statements in identity:
        for svc, group in _allow_entries(statements).items():
            applicable = index.for_service(svc)
            if not bounds and not applicable:
                sources[svc].append(group)
            elif svc == ALL or bounds:
                # "*" (or a boundary) can turn one entry into entries of other services.
                for part_svc, part in split_by_service(_cut(svc, group, bounds, applicable)).items():
                    sources[part_svc].append(part)
            else:
                sources[svc].append(_cut(svc, group, bounds, applicable))
    result = finish(sources)

    if len(_RESULTS) >= _MAX_CACHE:
        _RESULTS.clear()
    _RESULTS[key] = result
    return result


@contextmanager
def batch_mode() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while evaluating many principals.

    The engine allocates millions of small tuples and keeps large memo tables alive; the cyclic
    collector then rescans them again and again (about a quarter of the CPU time in
    ``bench/bench_privileges.py``) although none of these objects can form a cycle. Reference
    counting still frees everything; the collector's previous state is restored on exit.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
