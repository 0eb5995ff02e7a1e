"""Which targets of exposure change need reading: found in the database by comparing path digests id by id.

The targets of a run are the path request's (``paths.TARGET_BY_ID`` / ``TARGETS`` / ``TARGETS_ANY_LABEL``:
crown jewels, or as filtered, the first ``cap`` in the order sensitivity ↓, distance, id). A target needs
reading when it is in one run's list only or its digest differs. One query answers that: it takes each
run's list (as the path request does), looks each entry's twin up in the other run by (run_id, node_id), and
returns only the ids that differ. A twin with the same digest has the same data (``digest.signature`` covers
every field the target filters and the order read), so it passes the same filter; when the other run's list
was cut at ``cap``, it is in that list exactly when it sorts no later than that list's last entry. The
database walks the lists once with one index lookup per entry; only changed ids are sent back.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis.exposure.paths import TARGET_BY_ID, TARGETS, TARGETS_ANY_LABEL, _Clock

_ORDER = "n.sensitivity DESC, n.dist, n.node_id"  # the target queries' order (paths.py)


def _key(x: str) -> str:
    """Cypher: ``x``'s place in _ORDER as a list (lists compare in dictionary order); sensitivity negated, a
    null one first, as ORDER BY … DESC puts it."""
    return f"[coalesce(-{x}.sensitivity, -1.0e308), {x}.dist, {x}.node_id]"


def _list(query: str, run: str, column: str) -> str:
    match = query.split("RETURN ")[0].replace("$run", run)
    return f"CALL () {{ {match} WITH n ORDER BY {_ORDER} LIMIT $cap + 1 RETURN collect(n) AS {column} }}\n"


def _differ(side: str, other_run: str, other_cut: str, other_last: str, column: str) -> str:
    """Entries of ``side`` whose twin is missing, has another (or no) digest, or falls past the other
    list's cut."""
    return (
        f"CALL ({side}, {other_cut}, {other_last}) {{ UNWIND {side} AS x\n"
        f"  OPTIONAL MATCH (t:ExposureNode {{run_id: {other_run}, node_id: x.node_id}})\n"
        # a missing twin or digest compares as null: differs
        f"  WITH x, t WHERE coalesce(t.path_digest <> x.path_digest, true)\n"
        f"    OR ({other_cut} AND {_key('t')} > {_key(other_last)})\n"
        f"  RETURN collect(x.node_id) AS {column} }}\n"
    )


def _query(base: str) -> str:
    return (
        _list(base, "$old", "olds")
        + _list(base, "$new", "news")
        + "WITH size(olds) > $cap AS cut_old, size(news) > $cap AS cut_new, olds[..$cap] AS olds, "
        "news[..$cap] AS news\n"
        "WITH cut_old, cut_new, olds, news, last(olds) AS last_old, last(news) AS last_new\n"
        + _differ("olds", "$new", "cut_new", "last_new", "from_old")
        + _differ("news", "$old", "cut_old", "last_old", "from_new")
        + "RETURN cut_old, cut_new, from_old, from_new, "
        "any(x IN olds + news WHERE x.path_digest IS NULL) AS missing"
    )


QUERIES = {q: _query(q) for q in (TARGET_BY_ID, TARGETS, TARGETS_ANY_LABEL)}


@dataclass(frozen=True)
class Changed:
    """Targets to read back: in the old run's list (``old``) and in the new run's (``new``); whether each
    list was cut at ``cap``."""

    old: frozenset[str]
    new: frozenset[str]
    cut_old: bool
    cut_new: bool


def changed_targets(
    clock: _Clock,
    old_run: str,
    new_run: str,
    target: str | None,
    label: str | None,
    hops_cap: int,
    cap: int,
    allowed: list[str] | None = None,
) -> Changed | None:
    """The targets whose digest differs or that are in one run's list only (module docstring); None when a
    listed target has no digest (a run stored before them), so the caller compares node by node."""
    query = TARGET_BY_ID if target else TARGETS if label in (None, "AdminRole") else TARGETS_ANY_LABEL
    params = {
        "old": old_run,
        "new": new_run,
        "target": target,
        "label": label,
        "max_hops": hops_cap,
        "cap": cap,
        "allowed": allowed,
    }
    row = clock.read(QUERIES[query], params)[0]
    if row["missing"]:
        return None
    return Changed(frozenset(row["from_old"]), frozenset(row["from_new"]), row["cut_old"], row["cut_new"])
