"""Reads of the stored attack graph: directly exposed assets, and ranked paths internet → target.

A path request never runs a variable-length pattern. It walks *backwards* from the targets one hop per
query (``ExposureEdge(run_id, dst)`` index), keeping an edge only when ``src_dist + depth <= max_hops``
(``src_dist`` is the stored shortest distance from the internet), so it reads just the sub-graph that can
lie on a short enough path; networkx then enumerates the shortest simple paths per target (Yen) and ranks
them. Everything runs under one wall-clock deadline; ``ExposureTimeout`` when it is hit.

Scoped reads (``allowed``: a scoped API key's accounts, projects and clusters, graph/scopes.py): a node's
scope is its account (AWS account or GCP project) or, for Kubernetes objects, its cluster. Assets and targets
outside the scopes are not read, and the backward walk never steps onto such a node, so a scoped request
sees exactly the paths that lie wholly within its scopes (the internet node aside).
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from itertools import islice, pairwise
from typing import Any

import networkx as nx
from neo4j.exceptions import Neo4jError

from analysis.exposure import scoring, store
from analysis.exposure.model import INTERNET
from config import ExposureSettings, get_settings
from graph import driver
from graph.scopes import scope_in

NODE_FIELDS = (
    "n.node_id AS id, n.name AS name, n.label AS label, n.labels AS labels, n.account AS account, "
    "n.cluster AS cluster, n.crown_jewel AS crown_jewel, n.sensitivity AS sensitivity, n.admin AS admin, "
    "n.dist AS dist"
)
_IN_SCOPE = scope_in("n.account", "n.cluster")
ASSETS = f"""
MATCH (n:ExposedAsset {{run_id: $run}}) WHERE {_IN_SCOPE}
  AND ($account IS NULL OR n.account = $account) AND ($cluster IS NULL OR n.cluster = $cluster)
  AND ($type IS NULL OR $type IN n.exposure_types)
WITH n ORDER BY n.weight DESC, n.sensitivity DESC, n.node_id
WITH count(n) AS total, collect(n)[..$limit] AS page
UNWIND page AS n
RETURN total, {NODE_FIELDS}, n.ports AS ports, n.exposure_types AS types, n.reasons AS reasons, n.weight AS
    weight
"""
TARGET_BY_ID = (
    f"MATCH (n:ExposureNode {{run_id: $run, node_id: $target}}) WHERE {_IN_SCOPE} RETURN {NODE_FIELDS}"
)
TARGETS = f"""
MATCH (n:ExposureNode {{run_id: $run, crown_jewel: true}}) WHERE n.dist <= $max_hops AND {_IN_SCOPE}
  AND ($label IS NULL OR $label IN n.labels OR ($label = 'AdminRole' AND n.admin))
RETURN {NODE_FIELDS} ORDER BY n.sensitivity DESC, n.dist, n.node_id LIMIT $cap
"""
TARGETS_ANY_LABEL = f"""
MATCH (n:ExposureNode {{run_id: $run}}) WHERE $label IN n.labels AND n.dist <= $max_hops AND {_IN_SCOPE}
RETURN {NODE_FIELDS} ORDER BY n.sensitivity DESC, n.dist, n.node_id LIMIT $cap
"""
EDGES_INTO = f"""
UNWIND $dsts AS d
MATCH (e:ExposureEdge {{run_id: $run, dst: d}}) WHERE e.src_dist + $depth <= $max_hops
  AND ($allowed IS NULL OR e.src = $internet
       OR EXISTS {{ MATCH (n:ExposureNode {{run_id: $run, node_id: e.src}}) WHERE {_IN_SCOPE} }})
RETURN e.src AS src, e.dst AS dst, e.type AS type, e.reason AS reason, e.ports AS ports, e.access AS access,
       e.weight AS weight
"""
NODES = f"UNWIND $ids AS id MATCH (n:ExposureNode {{run_id: $run, node_id: id}}) RETURN {NODE_FIELDS}"
INTERNET_NODE = {"id": INTERNET, "name": "Internet", "label": "Internet", "labels": ["Internet"]}


class ExposureTimeout(Exception):
    """The request's time limit was reached."""


class NoExposureRun(Exception):
    """No exposure computation has completed yet."""


class _Clock:
    """One request's deadline and its single read transaction (server-side timeout = the whole limit),
    so every query of the request shares one session and the database stops work when time is up."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.end = seconds, time.monotonic() + seconds
        self._stack = ExitStack()
        session = self._stack.enter_context(driver.session(read_only=True))
        self.tx = self._stack.enter_context(session.begin_transaction(timeout=seconds))

    def __enter__(self) -> _Clock:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._stack.close()  # read-only: closing without commit just rolls back
        except Neo4jError as err:  # the server-side timeout fired while Python was still working
            if "Timed" in (err.code or "") or "Terminated" in (err.code or ""):
                raise self._timeout() from err
            raise

    def _timeout(self) -> ExposureTimeout:
        return ExposureTimeout(f"the exposure request was stopped after the {self.seconds:g} s limit")

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self._timeout()
        return left

    def read(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.left()
        try:
            return self.tx.run(query, params).data()
        except Neo4jError as exc:  # the server-side transaction timeout fired first
            if "Timed" in (exc.code or "") or "Terminated" in (exc.code or ""):
                raise self._timeout() from exc
            raise


def _run(clock: _Clock) -> dict[str, Any]:
    rows = clock.read(store.LATEST_RUN, {})
    run = rows[0] if rows else None
    if run is None:
        raise NoExposureRun("no exposure computation has completed yet (run `invgraph exposure compute`)")
    return run


def exposed_assets(
    account: str | None = None,
    cluster: str | None = None,
    exposure_type: str | None = None,
    limit: int = 100,
    settings: ExposureSettings | None = None,
    allowed: list[str] | None = None,
) -> dict[str, Any]:
    settings = settings or get_settings().exposure
    with _Clock(settings.exposure_request_timeout_s) as clock:
        return _assets(clock, _run(clock), account, cluster, exposure_type, limit, allowed)


def _assets(
    clock: _Clock,
    run: dict[str, Any],
    account: str | None,
    cluster: str | None,
    exposure_type: str | None,
    limit: int,
    allowed: list[str] | None = None,
) -> dict[str, Any]:
    rows = clock.read(
        ASSETS,
        {
            "run": run["run_id"],
            "account": account,
            "cluster": cluster,
            "type": exposure_type,
            "limit": limit,
            "allowed": allowed,
        },
    )
    assets = [
        {
            **{k: r[k] for k in ("id", "name", "label", "labels", "account", "cluster", "ports", "reasons")},
            "exposure_types": r["types"],
            "crown_jewel": bool(r["crown_jewel"]),
            "score": round(100 * (r["weight"] or 0) * max(r["sensitivity"] or 0, scoring.OTHER), 1),
        }
        for r in rows
    ]
    return {
        "run_id": run["run_id"],
        "ingest_run_id": run["ingest_run_id"],
        "computed_at": run["computed_at"],
        "total": rows[0]["total"] if rows else 0,
        "assets": assets,
    }


def _subgraph(
    clock: _Clock, run: str, targets: list[str], max_hops: int, allowed: list[str] | None = None
) -> nx.DiGraph:
    dg, frontier, seen = nx.DiGraph(), list(targets), set(targets)
    for depth in range(1, max_hops + 1):
        if not frontier:
            break
        nxt = []
        params = {
            "run": run,
            "dsts": frontier,
            "depth": depth,
            "max_hops": max_hops,
            "allowed": allowed,
            "internet": INTERNET,
        }
        for e in clock.read(EDGES_INTO, params):
            if not dg.has_edge(e["src"], e["dst"]):
                dg.add_edge(e["src"], e["dst"], **e)
            if e["src"] not in seen and e["src"] != INTERNET:
                seen.add(e["src"])
                nxt.append(e["src"])
        frontier = nxt
    return dg


def find_paths(
    target: str | None = None,
    label: str | None = None,
    account: str | None = None,
    cluster: str | None = None,
    max_hops: int | None = None,
    limit: int = 20,
    settings: ExposureSettings | None = None,
    allowed: list[str] | None = None,
) -> dict[str, Any]:
    """Ranked internet → target paths (module docstring); ``max_hops`` is capped by the server bound."""
    settings = settings or get_settings().exposure
    with _Clock(settings.exposure_request_timeout_s) as clock:
        return _paths(clock, settings, target, label, account, cluster, max_hops, limit, allowed)


def _paths(
    clock: _Clock,
    settings: ExposureSettings,
    target: str | None,
    label: str | None,
    account: str | None,
    cluster: str | None,
    max_hops: int | None,
    limit: int,
    allowed: list[str] | None = None,
) -> dict[str, Any]:
    run = _run(clock)
    hops_cap = min(max_hops or settings.exposure_default_hops, settings.exposure_max_hops)
    params = {
        "run": run["run_id"],
        "max_hops": hops_cap,
        "label": label,
        "target": target,
        "cap": max(50, 4 * limit) if not (account or cluster) else 500,
        "allowed": allowed,
    }
    # A label names crown jewels of that label, or any reachable node of it (EC2Instance, AWSRole…).
    query = TARGET_BY_ID if target else TARGETS if label in (None, "AdminRole") else TARGETS_ANY_LABEL
    rows = clock.read(query, params)
    info = {r["id"]: r for r in rows}
    dg = _subgraph(clock, run["run_id"], list(info), hops_cap, allowed)
    found: list[tuple[float, list[str]]] = []
    for tid in info:
        if INTERNET not in dg or tid not in dg:
            continue
        for nodes in islice(nx.shortest_simple_paths(dg, INTERNET, tid), settings.exposure_paths_per_target):
            clock.left()
            if len(nodes) - 1 > hops_cap:
                break
            found.append((0.0, nodes))
    ids = sorted({n for _, p in found for n in p} - {INTERNET})
    details = {r["id"]: r for r in clock.read(NODES, {"run": run["run_id"], "ids": ids})} if ids else {}
    details[INTERNET] = INTERNET_NODE
    out: list[dict[str, Any]] = []
    for _, nodes in found:
        ns = [details[n] for n in nodes]
        if account and not any(n.get("account") == account for n in ns):
            continue
        if cluster and not any(n.get("cluster") == cluster for n in ns):
            continue
        hops = [
            {k: dg.edges[a, b][k] for k in ("type", "reason", "ports", "access")} for a, b in pairwise(nodes)
        ]
        score = scoring.path_score(float(dg.edges[nodes[0], nodes[1]].get("weight") or 1.0), hops, ns)
        out.append({"score": score, "target": nodes[-1], "nodes": ns, "hops": hops})
    out.sort(key=lambda p: (-float(p["score"]), len(p["hops"]), [n["id"] for n in p["nodes"]]))
    return {
        "run_id": run["run_id"],
        "ingest_run_id": run["ingest_run_id"],
        "computed_at": run["computed_at"],
        "max_hops": hops_cap,
        "total": len(out),
        "paths": out[:limit],
    }
