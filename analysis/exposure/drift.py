"""Exposure change between two ingest runs: assets newly (no longer) reachable, paths new / gone / re-scored.

Runs are referenced like drift (``history.drift.resolve_pair``: a run id or a date, default the latest run
against the one before); each ingest run is compared through the exposure run computed for it
(``ExposureRun.ingest_run_id``). An ingest run without one — computed before this analysis existed, failed,
or pruned beyond ``INVGRAPH_EXPOSURE_KEEP_RUNS`` — gives ``NoExposureRun`` naming the run and the reason.

Path identity is stable across runs: the target plus the ids of the hops' nodes. Interchangeable replicas —
nodes of one replica-capable label with the same neighbours on crown-jewel paths (``digest.relevant``: pods
of one workload behind one Service with the same service account, instances behind one load balancer with
the same profile) — are contracted into one group node *before* paths are enumerated (``digest.contract``),
so a path is reported once with its replica count. A group is known by its label and neighbours
(``replicas:<label>:<in>><out>``), never by its members: a rescheduled pod (new id, same place) is no
change. Pods are always known that way, even alone; a lone instance keeps its own id. Exposed assets are
collapsed the same way in the assets section (replicas exposed on the same ports for the same reasons).

Runs computed with path digests (``digest.py``) are compared digest by digest first, in the database and
id by id (``drift_targets``, ``drift_assets``): only the ids that differ come back, and only the targets
whose digest differs, or that are in one run only, are read back and enumerated; only the groups of exposed
assets with a changed member are read back and compared. Runs stored with path digests but before asset
digests compare the two full exposed-asset lists; older runs fall back to reading every target's subgraph
and comparing node by node. Every way gives the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice, pairwise
from typing import Any

import networkx as nx

from analysis.exposure import drift_assets, drift_targets, scoring
from analysis.exposure.digest import REPLICA_LABELS, contract, relevant, signature
from analysis.exposure.model import INTERNET
from analysis.exposure.paths import (
    _IN_SCOPE,
    INTERNET_NODE,
    NODES,
    TARGET_BY_ID,
    TARGETS,
    TARGETS_ANY_LABEL,
    ExposureTimeout,
    NoExposureRun,
    _Clock,
    _subgraph,
)
from config import ExposureSettings, get_settings
from history.drift import DriftError, resolve_pair

__all__ = ["ExposureTimeout", "NoExposureRun", "DriftError", "exposure_drift"]

TARGET_CAP = 5000  # crown jewels compared per run; more is reported as truncated
_RUN_DIGESTS = ("paths_digest", "assets_digest")  # digest.run_summary, stored on the ExposureRun
_RUN_FOR_INGEST = """
MATCH (r:ExposureRun {ingest_run_id: $ingest, status: 'ok'})
RETURN r.run_id AS run_id, toString(r.finished_at) AS computed_at, r.paths_digest AS paths_digest,
       r.assets_digest AS assets_digest, r.digest_hops AS digest_hops, r.asset_digests AS asset_digests
ORDER BY r.finished_at DESC LIMIT 1
"""


def _exposure_run(clock: _Clock, ingest: dict[str, Any]) -> dict[str, Any]:
    rows = clock.read(_RUN_FOR_INGEST, {"ingest": ingest["id"]})
    if not rows:
        keep = get_settings().exposure.exposure_keep_runs
        raise NoExposureRun(
            f"no exposure run for ingest run {ingest['id']} (collected {ingest['collected_at']}): it was "
            f"never computed, failed, or was pruned (INVGRAPH_EXPOSURE_KEEP_RUNS={keep} keeps the newest "
            f"{keep})"
        )
    return rows[0]


# The path request's target queries, each row also carrying the target's path digest.
_WITH_DIGEST = "RETURN n.path_digest AS path_digest, "
_TARGET_QUERIES = {
    q: q.replace("RETURN ", _WITH_DIGEST, 1) for q in (TARGET_BY_ID, TARGETS, TARGETS_ANY_LABEL)
}
# Whether _targets would be truncated, without reading the targets (TARGETS, TARGETS_ANY_LABEL's filters).
_COUNT = f"""
MATCH (n:ExposureNode {{run_id: $run, crown_jewel: true}}) WHERE n.dist <= $max_hops AND {_IN_SCOPE}
  AND ($label IS NULL OR $label IN n.labels OR ($label = 'AdminRole' AND n.admin))
RETURN count(n) > $cap AS truncated
"""
_COUNT_ANY_LABEL = f"""
MATCH (n:ExposureNode {{run_id: $run}}) WHERE $label IN n.labels AND n.dist <= $max_hops AND {_IN_SCOPE}
RETURN count(n) > $cap AS truncated
"""
# A replica node's whole-run neighbours with what digest.relevant needs (their distances).
_NEIGHBOURS = """
UNWIND $ids AS id
MATCH (n:ExposureNode {run_id: $run, node_id: id})
CALL (id) { MATCH (e:ExposureEdge {run_id: $run, dst: id}) RETURN collect([e.src, e.src_dist]) AS preds }
CALL (id) {
  MATCH (e:ExposureEdge {run_id: $run, src: id}) MATCH (m:ExposureNode {run_id: $run, node_id: e.dst})
  RETURN collect([e.dst, m.to_crown]) AS succs
}
RETURN id, n.dist AS dist, n.to_crown AS to_crown, preds, succs
"""


@dataclass
class _RunGraph:
    """One exposure run's part of the attack graph that can lie on a path to the chosen targets."""

    dg: nx.DiGraph  # replicas contracted
    details: dict[str, dict[str, Any]]
    members: dict[str, list[str]]


def _targets(
    clock: _Clock,
    run_id: str,
    target: str | None,
    label: str | None,
    hops_cap: int,
    allowed: list[str] | None = None,
) -> tuple[dict[str, dict[str, Any]], bool]:
    """The run's targets (crown jewels, or as filtered; a scoped key's `allowed` ids, as paths.py) and whether
    more than TARGET_CAP matched."""
    params = {
        "run": run_id,
        "max_hops": hops_cap,
        "label": label,
        "target": target,
        "cap": TARGET_CAP + 1,
        "allowed": allowed,
    }
    query = TARGET_BY_ID if target else TARGETS if label in (None, "AdminRole") else TARGETS_ANY_LABEL
    rows = clock.read(_TARGET_QUERIES[query], params)
    return {r["id"]: r for r in rows[:TARGET_CAP]}, len(rows) > TARGET_CAP


def _truncated(
    clock: _Clock,
    run_id: str,
    target: str | None,
    label: str | None,
    hops_cap: int,
    allowed: list[str] | None = None,
) -> bool:
    if target:
        return False  # one target
    query = _COUNT if label in (None, "AdminRole") else _COUNT_ANY_LABEL
    params = {"run": run_id, "max_hops": hops_cap, "label": label, "cap": TARGET_CAP, "allowed": allowed}
    return bool(clock.read(query, params)[0]["truncated"])


def _digest_changes(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> set[str] | None:
    """Targets whose path digest differs or that are in one run only; None when a run has no digests
    (computed before they existed), so the caller compares the subgraphs themselves."""
    if any(r["path_digest"] is None for r in (*old.values(), *new.values())):
        return None
    both = set(old) & set(new)
    return (set(old) ^ set(new)) | {t for t in both if old[t]["path_digest"] != new[t]["path_digest"]}


def _load(
    clock: _Clock, run: dict[str, Any], targets: list[str], hops_cap: int, allowed: list[str] | None = None
) -> _RunGraph:
    """`allowed`: a scoped key's ids; hops outside them are never read (paths.py)."""
    run_id = run["run_id"]
    raw = _subgraph(clock, run_id, targets, hops_cap, allowed)
    ids = sorted(set(raw.nodes) - {INTERNET})
    details = {r["id"]: r for r in clock.read(NODES, {"run": run_id, "ids": ids})} if ids else {}
    details[INTERNET] = INTERNET_NODE
    labels = {i: d["label"] for i, d in details.items()}
    replicas = [n for n in ids if labels.get(n) in REPLICA_LABELS]
    if run["digest_hops"] is None:  # stored before to_crown: neighbours in the part read, as then
        neighbours = {
            n: (tuple(sorted(raw.predecessors(n))), tuple(sorted(raw.successors(n)))) for n in replicas
        }
    else:  # neighbours on crown-jewel paths in the whole run: the same whatever part was read
        rows = clock.read(_NEIGHBOURS, {"run": run_id, "ids": replicas}) if replicas else []
        dist = {k: v for r in rows for k, v in (*r["preds"], (r["id"], r["dist"]))}
        near = {k: v for r in rows for k, v in (*r["succs"], (r["id"], r["to_crown"]))}
        preds = {r["id"]: [a for a, _ in r["preds"]] for r in rows}
        succs = {r["id"]: [m for m, _ in r["succs"]] for r in rows}
        neighbours = relevant(dist, near, preds, succs, hops_cap)
    dg, members = contract(raw, labels, neighbours)
    return _RunGraph(dg, details, members)


def _affected(old: _RunGraph, new: _RunGraph) -> set[str]:
    """Nodes whose paths may differ: those whose own data or incoming hops differ, and everything after them.

    A target none of whose ancestors changed has the same paths (same subgraph, same enumeration), so only
    affected targets are enumerated: the cost follows the change, not the number of crown jewels.
    """
    seeds = {
        n
        for n in set(old.dg.nodes) | set(new.dg.nodes)
        if signature(old.dg, old.details, old.members, n) != signature(new.dg, new.details, new.members, n)
    }
    out = set(seeds)
    for g in (old, new):
        frontier = [n for n in seeds if n in g.dg]
        while frontier:  # one walk for all seeds, each node visited once
            nxt = [s for n in frontier for s in g.dg.successors(n) if s not in out]
            out.update(nxt)
            frontier = nxt
    return out


def _own_walk(g: _RunGraph, tid: str, hops_cap: int) -> nx.DiGraph:
    """The part of ``g`` a path request for ``tid`` alone reads (``paths._subgraph``'s pruning: a hop
    ``a → b`` at depth d counts when ``dist(a) + d <= max_hops``), so a target's paths never depend on
    which other targets were read with it — the digest comparison reads fewer than the full one."""

    def dist(n: str) -> int:
        return 0 if n == INTERNET else int((g.details.get(n) or g.details[g.members[n][0]])["dist"])

    keep, frontier, seen = [], [tid], {tid}
    for depth in range(1, hops_cap + 1):
        nxt = []
        for b in frontier:
            for a in g.dg.predecessors(b):
                if dist(a) + depth <= hops_cap:
                    keep.append((a, b))
                    if a not in seen and a != INTERNET:
                        seen.add(a)
                        nxt.append(a)
        frontier = nxt
    view = nx.DiGraph()
    view.add_edges_from((a, b, g.dg.edges[a, b]) for a, b in sorted(keep))
    return view


def _paths_to(
    clock: _Clock,
    settings: ExposureSettings,
    g: _RunGraph,
    targets: set[str],
    account: str | None,
    cluster: str | None,
    hops_cap: int,
) -> dict[tuple[str, ...], dict[str, Any]]:
    """identity -> path (score, nodes, hops, replicas) for the given targets of one run."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for tid in sorted(targets):
        if INTERNET not in g.dg or tid not in g.dg:
            continue
        dg = _own_walk(g, tid, hops_cap)
        if INTERNET not in dg or tid not in dg:
            continue
        for nodes in islice(nx.shortest_simple_paths(dg, INTERNET, tid), settings.exposure_paths_per_target):
            clock.left()
            if len(nodes) - 1 > hops_cap:
                break
            ns = [_node(n, g.details, g.members) for n in nodes]
            if account and not any(n.get("account") == account for n in ns):
                continue
            if cluster and not any(n.get("cluster") == cluster for n in ns):
                continue
            hops = [
                {k: dg.edges[a, b][k] for k in ("type", "reason", "ports", "access")}
                for a, b in pairwise(nodes)
            ]
            score = scoring.path_score(float(dg.edges[nodes[0], nodes[1]].get("weight") or 1.0), hops, ns)
            replicas = max((n.get("replicas", 1) for n in ns), default=1)
            out[tuple(nodes)] = {
                "score": score,
                "target": tid,
                "nodes": ns,
                "hops": hops,
                "replicas": replicas,
            }
    return out


def _node(nid: str, details: dict[str, dict[str, Any]], members: dict[str, list[str]]) -> dict[str, Any]:
    if nid not in members:
        return details[nid]
    ids = members[nid]
    first = details[ids[0]]
    name = first["name"] if len(ids) == 1 else f"{first['name']} (+{len(ids) - 1} replicas)"
    return {**first, "id": nid, "name": name, "replicas": len(ids), "members": ids}


def _path_out(identity: tuple[str, ...], path: dict[str, Any]) -> dict[str, Any]:
    return {"id": " > ".join(identity), **path}


def exposure_drift(
    from_ref: str | None = None,
    to_ref: str | None = None,
    target: str | None = None,
    label: str | None = None,
    account: str | None = None,
    cluster: str | None = None,
    max_hops: int | None = None,
    settings: ExposureSettings | None = None,
    allowed: list[str] | None = None,
    *,
    digests: bool = True,
    index: bool = True,
) -> dict[str, Any]:
    """The exposure change document (docs/exposure.md, "Exposure change"); filters (and a scoped key's
    `allowed` ids) as ``find_paths``.

    ``digests=False`` forces the node-by-node comparison older runs get; ``index=False`` the comparison of
    the two runs' full target and exposed-asset lists that runs stored before asset digests get (tests and
    the benchmark compare the ways). Digests cover the whole run, so equal digests mean equal paths under
    any scope filter."""
    settings = settings or get_settings().exposure
    frm, to, _ = resolve_pair(from_ref, to_ref)
    hops_cap = min(max_hops or settings.exposure_default_hops, settings.exposure_max_hops)
    with _Clock(settings.exposure_drift_timeout_s) as clock:
        old_run, new_run = _exposure_run(clock, frm), _exposure_run(clock, to)
        filters = {
            "account": account,
            "cluster": cluster,
            "label": label,
            "target": target,
            "allowed": allowed,
        }
        runs = (old_run["run_id"], new_run["run_id"])
        # Asset digests hold for any hop bound (exposed assets do not depend on it).
        indexed = digests and index and bool(old_run["asset_digests"] and new_run["asset_digests"])
        # Digests hold for the hop bound they were computed with (the default); others compare node by node.
        digests = digests and old_run["digest_hops"] == new_run["digest_hops"] == hops_cap
        same = {k: digests and old_run[k] is not None and old_run[k] == new_run[k] for k in _RUN_DIGESTS}
        if same["assets_digest"]:  # the same exposed assets in both runs, whatever the filter
            assets = {"newly_reachable": [], "no_longer_reachable": [], "changed": []}
        elif indexed:
            assets = drift_assets.indexed_changes(clock, runs[0], runs[1], filters)  # changed groups only
        else:
            assets = drift_assets.all_changes(clock, runs[0], runs[1], filters)
        changed = None
        if same["paths_digest"]:  # the same nodes with the same ancestors: every path is the same
            cut = _truncated(clock, runs[1], target, label, hops_cap, allowed)
            changed = drift_targets.Changed(frozenset(), frozenset(), cut, cut)
        elif digests and index:  # the ids whose digest differs, found in the database
            changed = drift_targets.changed_targets(
                clock, runs[0], runs[1], target, label, hops_cap, TARGET_CAP, allowed
            )
        if changed is not None:  # read back and enumerate only the targets that differ
            cut_old, cut_new = changed.cut_old, changed.cut_new
            todo = set(changed.old | changed.new)
            g_old = _load(clock, old_run, sorted(changed.old), hops_cap, allowed)
            g_new = _load(clock, new_run, sorted(changed.new), hops_cap, allowed)
        else:
            t_old, cut_old = _targets(clock, runs[0], target, label, hops_cap, allowed)
            t_new, cut_new = _targets(clock, runs[1], target, label, hops_cap, allowed)
            todo = _digest_changes(t_old, t_new) if digests else None
            if todo is not None:  # the two full lists compared (index=False)
                g_old = _load(clock, old_run, sorted(todo & set(t_old)), hops_cap, allowed)
                g_new = _load(clock, new_run, sorted(todo & set(t_new)), hops_cap, allowed)
            else:  # a run from before digests: read every target's subgraph and compare node by node
                g_old = _load(clock, old_run, list(t_old), hops_cap, allowed)
                g_new = _load(clock, new_run, list(t_new), hops_cap, allowed)
                # Targets in one run only, or with a changed ancestor; the rest have identical paths in both.
                todo = (set(t_old) ^ set(t_new)) | (_affected(g_old, g_new) & (set(t_old) | set(t_new)))
        old = _paths_to(clock, settings, g_old, todo, account, cluster, hops_cap)
        new = _paths_to(clock, settings, g_new, todo, account, cluster, hops_cap)
    rescored = [
        {**_path_out(k, new[k]), "score_before": old[k]["score"], "replicas_before": old[k]["replicas"]}
        for k in sorted(set(old) & set(new))
        if old[k]["score"] != new[k]["score"] or old[k]["replicas"] != new[k]["replicas"]
    ]
    by_score = lambda p: (-float(p["score"]), p["id"])  # noqa: E731
    run = lambda r, e: {**{k: r[k] for k in ("id", "collected_at")}, "exposure_run_id": e["run_id"]}  # noqa: E731
    return {
        "from": run(frm, old_run),
        "to": run(to, new_run),
        "max_hops": hops_cap,
        "truncated": cut_old or cut_new,
        "assets": assets,
        "paths": {
            "new": sorted((_path_out(k, new[k]) for k in set(new) - set(old)), key=by_score),
            "gone": sorted((_path_out(k, old[k]) for k in set(old) - set(new)), key=by_score),
            "rescored": sorted(rescored, key=by_score),
        },
    }


def counts(doc: dict[str, Any]) -> dict[str, int]:
    """Headline figures for the report and the webhook."""
    a, p = doc["assets"], doc["paths"]
    return {
        "newly reachable": len(a["newly_reachable"]),
        "no longer reachable": len(a["no_longer_reachable"]),
        "exposure changed": len(a["changed"]),
        "paths new": len(p["new"]),
        "paths gone": len(p["gone"]),
        "paths re-scored": len(p["rescored"]),
    }
