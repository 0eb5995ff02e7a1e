"""Replica groups and per-target path digests of one exposure run — shared by ``compute`` (which stores a
digest on every ``ExposureNode``) and ``drift`` (which compares two runs' digests before reading any path).

Replica groups: nodes of a replica-capable label with the same neighbours on internet → crown-jewel paths
within the hop bound (``relevant``: what a backward walk from every crown jewel keeps around them) are one
group node ``replicas:<label>:<in ids>><out ids>``. Taken from the whole run through the stored ``dist`` and
``to_crown`` (fewest hops from the internet / to a crown jewel), a group's identity does not depend on which
part of the graph a request read, so it is computed once when the run is stored; neighbours that lead to
no crown jewel (the node a pod runs on, when its role reaches nothing) never rename a path.

Path digest of a node: a Merkle hash over its ancestors on the replica-contracted graph (strongly connected
parts hashed together; each part's hash covers its nodes' signatures — the node data a path's identity and
score depend on and every incoming hop — and the sorted hashes of the parts before it). Two runs giving a
target the same digest have the same ancestor subgraph, hence the same paths to it for the hop bound the
digests were computed with (the default) and every filter, so exposure change only reads and enumerates
targets whose digest differs.

Asset digests: each directly exposed asset also gets ``asset_digest`` (its row as the assets section reads
it) and ``asset_group`` (which rows may collapse into one entry), so exposure change compares exposed assets
id by id in the database and reads back only the groups with a changed member (``drift_assets``).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

import networkx as nx

REPLICA_LABELS = ("KubernetesPod", "EC2Instance", "GCPInstance")
# Pods get a new id whenever they are rescheduled: even a single pod is known by its place, never its id.
EPHEMERAL_LABELS = ("KubernetesPod",)
EDGE_KEYS = ("type", "ports", "access", "weight")  # what a path's identity and score depend on
NODE_KEYS = ("label", "labels", "sensitivity", "crown_jewel", "admin", "account", "cluster", "dist")
# Bumped whenever the signature changes: digests of another version never compare equal.
VERSION = b"invgraph-path-digest-1"

Neighbours = dict[str, tuple[tuple[str, ...], tuple[str, ...]]]


def relevant(
    dist: dict[str, int],
    to_crown: dict[str, int | None],
    preds: dict[str, list[str]],
    succs: dict[str, list[str]],
    hops: int,
) -> Neighbours:
    """Each node's neighbours on internet → crown-jewel paths within ``hops``: a predecessor ``a`` of ``p``
    when ``dist(a) + 1 + to_crown(p) <= hops``, a successor ``m`` when ``dist(p) + 1 + to_crown(m) <= hops``
    — exactly the hops a backward walk from every crown jewel (``paths._subgraph``) keeps around ``p``, so a
    replica group's identity ignores neighbours that lead nowhere (a pod's node, an unrelated caller)."""
    out: Neighbours = {}
    for p in preds.keys() | succs.keys():
        tc = to_crown.get(p)
        ins = sorted(a for a in preds.get(p, ()) if tc is not None and dist[a] + 1 + tc <= hops)
        outs = sorted(
            m for m in succs.get(p, ()) if to_crown.get(m) is not None and dist[p] + 1 + to_crown[m] <= hops
        )
        out[p] = (tuple(ins), tuple(outs))
    return out


def to_crown(dg: nx.DiGraph, crowns: list[str]) -> dict[str, int]:
    """Fewest hops from each node to a crown jewel (nodes that reach none are absent)."""
    if not crowns:
        return {}
    return dict(nx.multi_source_dijkstra_path_length(dg.reverse(copy=False), set(crowns), weight=None))


def contract(
    dg: nx.DiGraph, labels: dict[str, str], neighbours: Neighbours
) -> tuple[nx.DiGraph, dict[str, list[str]]]:
    """Replace each replica group of ``dg`` by one node; returns the new graph and group id -> member ids.

    ``neighbours`` holds each replica-label node's neighbours: ``relevant`` ones in the whole run, or (runs
    stored before ``to_crown``) those in the part of the graph a request read."""
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for n in dg.nodes:
        if labels.get(n) in REPLICA_LABELS:
            groups[(labels[n], *neighbours[n])].append(n)
    rename: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for (label, preds, succs), ids in groups.items():
        if len(ids) == 1 and label not in EPHEMERAL_LABELS:
            continue  # a lone instance keeps its own id, so a new neighbour does not rename its paths
        # Identity from the neighbours, not the members: it survives a pod being rescheduled.
        gid = f"replicas:{label}:{','.join(preds)}>{','.join(succs)}"
        members[gid] = sorted(ids)
        rename.update({i: gid for i in ids})
    out = nx.DiGraph()
    out.add_nodes_from(sorted({rename.get(n, n) for n in dg.nodes}))
    for a, b, data in sorted(dg.edges(data=True), key=lambda e: (e[0], e[1])):
        ra, rb = rename.get(a, a), rename.get(b, b)
        if not out.has_edge(ra, rb):
            out.add_edge(ra, rb, **data)
    return out, members


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def signature(
    dg: nx.DiGraph, details: dict[str, dict[str, Any]], members: dict[str, list[str]], n: str
) -> tuple[Any, ...]:
    """What the paths through ``n`` depend on: its data, its replica count and every incoming hop."""
    if n not in dg:
        return ()
    node = details.get(n) or details[members[n][0]]
    into = sorted((p, *(_frozen(dg.edges[p, n].get(k)) for k in EDGE_KEYS)) for p in dg.predecessors(n))
    return (*(_frozen(node.get(k)) for k in NODE_KEYS), len(members.get(n, ())), tuple(into))


def path_digests(
    dg: nx.DiGraph, details: dict[str, dict[str, Any]], members: dict[str, list[str]]
) -> dict[str, str]:
    """Contracted node id -> digest of its ancestor subgraph (module docstring); linear in the graph."""
    cond = nx.condensation(dg)
    part: dict[int, bytes] = {}
    for c in nx.topological_sort(cond):
        h = hashlib.blake2b(VERSION, digest_size=16)
        for n in sorted(cond.nodes[c]["members"]):
            h.update(repr((n, signature(dg, details, members, n))).encode())
        for d in sorted(part[p] for p in cond.predecessors(c)):
            h.update(d)
        part[c] = h.digest()
    return {n: part[c].hex() for n, c in cond.graph["mapping"].items()}


def run_digests(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], internet: dict[str, Any], hops: int
) -> dict[str, str]:
    """Stored node id -> path digest, from one run's storage rows (``compute.rows``, with ``to_crown``),
    for requests bounded by ``hops``."""
    details = {r["node_id"]: {**r, "id": r["node_id"]} for r in nodes}
    details[internet["id"]] = {**internet, "dist": 0}
    dg = nx.DiGraph()
    dg.add_nodes_from(details)
    dg.add_edges_from((e["src"], e["dst"], {k: e.get(k) for k in EDGE_KEYS}) for e in edges)
    labels = {i: d["label"] for i, d in details.items()}
    replicas = [n for n in dg.nodes if labels.get(n) in REPLICA_LABELS]
    neighbours = relevant(
        {i: d["dist"] for i, d in details.items()},
        {r["node_id"]: r.get("to_crown") for r in nodes},
        {n: list(dg.predecessors(n)) for n in replicas},
        {n: list(dg.successors(n)) for n in replicas},
        hops,
    )
    cdg, members = contract(dg, labels, neighbours)
    by_group = path_digests(cdg, details, members)
    rename = {m: gid for gid, ids in members.items() for m in ids}
    return {r["node_id"]: by_group[rename.get(r["node_id"], r["node_id"])] for r in nodes}


ASSET_KEYS = ("node_id", "label", "labels", "account", "cluster", "ports", "exposure_types", "reasons")


def asset_key(r: dict[str, Any], node_id: str) -> str:
    """The assets section's identity of a directly exposed asset (``drift_assets.collapse``), before a lone
    instance takes back its own id: pods by their place (cluster and reasons), never their uid; replica
    instances by how they are exposed (ports, types, reasons); anything else by its id."""
    if r["label"] in EPHEMERAL_LABELS:
        return f"replicas:{r['label']}:{r['cluster'] or r['account']}:{sorted(r['reasons'] or [])}"
    if r["label"] in REPLICA_LABELS:
        how = (sorted(r["ports"] or []), sorted(r["exposure_types"] or []), sorted(r["reasons"] or []))
        return f"replicas:{r['label']}:{r['account'] or r['cluster']}:{how}"
    return node_id


def _hash(value: Any) -> str:
    return hashlib.blake2b(VERSION + repr(value).encode(), digest_size=16).hexdigest()


def annotate_assets(nodes: list[dict[str, Any]]) -> None:
    """Give each directly exposed asset's row ``asset_digest`` (over everything the assets section reads or
    filters on: equal in two runs, the row is the same under any filter) and ``asset_group`` (a hash of its
    ``asset_key``: the rows that may collapse into one entry), so exposure change finds the changed assets
    by id in the database and reads back only the groups they belong to."""
    for n in nodes:
        if n.get("exposure_types") is not None:  # exactly the rows stored as ExposedAsset
            n["asset_digest"] = _hash(tuple(_frozen(n.get(k)) for k in (*ASSET_KEYS, "name")))
            n["asset_group"] = _hash(asset_key(n, n["node_id"]))


def run_summary(nodes: list[dict[str, Any]]) -> dict[str, str]:
    """Two digests of a whole run, stored on its ``ExposureRun``: ``paths_digest`` over every node's id and
    path digest (equal in two runs: the same nodes with the same ancestor subgraphs, so every target query
    and every path agree, whatever the filter) and ``assets_digest`` over what the assets section of
    exposure change reads of each directly exposed asset (equal: no asset change, whatever the filter)."""
    paths = hashlib.blake2b(VERSION, digest_size=16)
    for n in sorted(nodes, key=lambda r: r["node_id"]):
        paths.update(repr((n["node_id"], n["path_digest"])).encode())
    assets = hashlib.blake2b(VERSION, digest_size=16)
    for n in sorted((r for r in nodes if r.get("exposure_types")), key=lambda r: r["node_id"]):
        assets.update(repr(tuple(_frozen(n.get(k)) for k in ASSET_KEYS)).encode())
    return {"paths_digest": paths.hexdigest(), "assets_digest": assets.hexdigest()}


def annotate(
    nodes: list[dict[str, Any]], edges: list[dict[str, Any]], internet: dict[str, Any], hops: int
) -> dict[str, Any]:
    """Add ``to_crown`` and ``path_digest`` to one run's node rows (and ``asset_digest`` / ``asset_group``
    to its exposed assets'); returns what to store on its ``ExposureRun``: ``run_summary``, the hop bound
    the path digests hold for, and ``asset_digests`` (this run's exposed assets carry theirs)."""
    dg = nx.DiGraph([(e["src"], e["dst"]) for e in edges])
    near = to_crown(dg, [n["node_id"] for n in nodes if n["crown_jewel"]])
    for row in nodes:
        row["to_crown"] = near.get(row["node_id"])
    digests = run_digests(nodes, edges, internet, hops)
    for row in nodes:
        row["path_digest"] = digests[row["node_id"]]
    annotate_assets(nodes)
    return run_summary(nodes) | {"digest_hops": hops, "asset_digests": True}
