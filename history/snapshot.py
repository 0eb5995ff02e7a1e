"""`invgraph history snapshot`: history for graphs we did not ingest (e.g. loaded by the cartography package).

Such graphs have no AssetChange records, so one full pass reads every node with an ``id`` and every
relationship between such nodes, and compares them with the state stored by the previous pass:

* node fingerprint = sha1 of (sorted labels, properties minus bookkeeping: ``firstseen``, ``lastupdated``,
  ``invgraph_fp*`` and cartography's ``_``-prefixed module properties);
* ``(:AssetState {asset_id, fp, label, props})`` — one node per asset holding its properties at the last
  pass: the ``before`` side of a change or a removal. Only added / changed / removed assets are written, so
  a pass after the first writes in proportion to the change;
* ``(:HistorySnapshot {run_id, chunk, rels})`` — the relationship keys (``start|type|end``) of the latest
  pass, as chunked JSON (relationships have no properties worth keeping); the previous pass's chunks are
  replaced.

Each pass creates an ``IngestRun`` with source ``history-snapshot`` and writes the same AssetChange /
RelChange records as an ingest (through history/records.py), so drift, the timeline, retention and the
report work unchanged.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime
from typing import Any

from graph import driver
from graph.schema.bookkeeping import is_bookkeeping_node
from graph.schema.labels import primary_label
from graph.schema.loader import is_bookkeeping
from graph.schema.values import canonical
from history import records, runs
from history.changes import IGNORED_REL_TYPES, property_changes

SOURCE = "history-snapshot"
STATE_INDEX = "CREATE INDEX assetstate_id IF NOT EXISTS FOR (s:AssetState) ON (s.asset_id)"
_CHUNK = 20_000
_SEP = "\x1f"


def _skip(prop: str) -> bool:
    # invgraph_exposed*: the exposure analysis's marks (analysis output with runs of its own), not inventory.
    return is_bookkeeping(prop) or prop.startswith(("_", "invgraph_exposed", "invgraph_exposure"))


def fingerprint(labels: list[str], props: dict[str, Any]) -> str:
    blob = json.dumps(
        [sorted(labels), {k: canonical(v) for k, v in props.items() if not _skip(k)}],
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha1(blob.encode()).hexdigest()[:20]


# The owner by the sub-resource relationship both we and Cartography write: (owner)-[:RESOURCE]->(node).
_NODES = """
MATCH (n) WHERE n.id IS NOT NULL
OPTIONAL MATCH (o)-[:RESOURCE]->(n) WHERE o:AWSAccount OR o:KubernetesCluster OR o:GCPProject
   OR o:AzureSubscription
WITH n, head(collect(CASE WHEN o:KubernetesCluster THEN o.name ELSE o.id END)) AS owner
RETURN n.id AS id, labels(n) AS l, properties(n) AS p, owner
"""


def _read_nodes() -> tuple[dict[str, tuple[list[str], dict[str, Any]]], dict[str, str]]:
    """(id -> (labels, properties)), (id -> owner: account / project id or cluster name) of every asset."""
    out: dict[str, tuple[list[str], dict[str, Any]]] = {}
    owners: dict[str, str] = {}
    with driver.session(read_only=True) as s:
        for rec in s.run(_NODES):
            if not is_bookkeeping_node(rec["l"]):
                out[str(rec["id"])] = (rec["l"], {k: v for k, v in rec["p"].items() if not _skip(k)})
                if rec["owner"] is not None:
                    owners[str(rec["id"])] = str(rec["owner"])
    return out, owners


def _read_rels() -> set[str]:
    out: set[str] = set()
    with driver.session(read_only=True) as s:
        for rec in s.run(
            "MATCH (a)-[r]->(b) WHERE a.id IS NOT NULL AND b.id IS NOT NULL "
            "RETURN a.id AS a, type(r) AS t, b.id AS b, labels(a) + labels(b) AS l"
        ):
            if rec["t"] not in IGNORED_REL_TYPES and not is_bookkeeping_node(rec["l"]):
                out.add(_SEP.join((str(rec["a"]), rec["t"], str(rec["b"]))))
    return out


def _previous() -> tuple[dict[str, tuple[str, str, str | None]], set[str] | None]:
    states = {
        r["id"]: (r["fp"], r["label"], r["scope"])
        for r in driver.read(
            "MATCH (s:AssetState) RETURN s.asset_id AS id, s.fp AS fp, s.label AS label, s.scope AS scope"
        )
    }
    chunks = driver.read("MATCH (h:HistorySnapshot) RETURN h.rels AS rels")
    rels = {k for c in chunks for k in json.loads(c["rels"])} if chunks else None
    return states, rels


def _scope(labels: list[str], props: dict[str, Any], owner: str | None = None) -> str:
    """The owner by sub-resource relationship (so `history drift --account/--cluster` filter); an account or
    cluster is its own scope; else a property naming one (nodes hanging below another asset)."""
    if owner:
        return owner
    if "AWSAccount" in labels or "GCPProject" in labels or "AzureSubscription" in labels:
        return str(props.get("id") or "")
    if "KubernetesCluster" in labels and props.get("name"):
        return str(props["name"])
    for key in ("accountid", "account_id", "cluster_name", "cluster_id"):
        if props.get(key):
            return str(props[key])
    return ""


def _write(query: str, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5000):
        driver.write(query, {"rows": rows[start : start + 5000]})


def snapshot_pass() -> dict[str, Any]:
    """One full pass; returns the run id, counts and timings (seconds)."""
    t0 = time.perf_counter()
    driver.ensure_schema([*records.HISTORY_SCHEMA, STATE_INDEX])
    run_id, _ = runs.new_run(SOURCE, datetime.now(UTC))
    (nodes, owners), rels = _read_nodes(), _read_rels()
    t_read = time.perf_counter()
    prev, prev_rels = _previous()
    first = not prev and prev_rels is None
    changes: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []
    changed_ids: list[str] = []
    for aid, (labels, props) in nodes.items():
        fp = fingerprint(labels, props)
        old = prev.get(aid)
        if old is not None and old[0] == fp:
            continue
        label = primary_label(labels)
        state = {
            "id": aid,
            "fp": fp,
            "label": label,
            "scope": _scope(labels, props, owners.get(aid)),
            "props": json.dumps(props, sort_keys=True, default=str),
        }
        states.append(state)
        if first:
            continue  # the baseline pass records no changes: there is nothing to compare with
        if old is None:
            changes.append(
                {
                    "asset_id": aid,
                    "label": label,
                    "kind": "added",
                    "scope": state["scope"],
                    "changes": None,
                    "before": None,
                    "after": state["props"],
                }
            )
        else:
            changed_ids.append(aid)
    befores = (
        {
            r["id"]: json.loads(r["props"])
            for r in driver.read(
                "UNWIND $ids AS id MATCH (s:AssetState {asset_id: id}) "
                "RETURN s.asset_id AS id, s.props AS props",
                {"ids": changed_ids},
            )
        }
        if changed_ids
        else {}
    )
    for aid in changed_ids:
        labels, props = nodes[aid]
        diff = property_changes(befores.get(aid, {}), props)
        if diff:  # a label change alone moves the fingerprint but is not a property change
            changes.append(
                {
                    "asset_id": aid,
                    "label": primary_label(labels),
                    "kind": "changed",
                    "scope": _scope(labels, props, owners.get(aid)),
                    "changes": json.dumps(diff, default=str),
                    "before": None,
                    "after": None,
                }
            )
    removed = [aid for aid in prev if aid not in nodes]
    if removed:
        for r in driver.read(
            "UNWIND $ids AS id MATCH (s:AssetState {asset_id: id}) "
            "RETURN s.asset_id AS id, s.label AS label, s.scope AS scope, s.props AS props",
            {"ids": removed},
        ):
            changes.append(
                {
                    "asset_id": r["id"],
                    "label": r["label"],
                    "kind": "removed",
                    "scope": r["scope"],
                    "changes": None,
                    "before": r["props"],
                    "after": None,
                }
            )
    rel_rows: list[dict[str, Any]] = []
    if prev_rels is not None:
        for kind, keys in (("added", rels - prev_rels), ("removed", prev_rels - rels)):
            for key in sorted(keys):
                a, t, b = key.split(_SEP)
                rel_rows.append(
                    {"run_id": run_id, "start": a, "type": t, "end": b, "kind": kind, "scope": None}
                )
    for row in changes:
        row["run_id"] = run_id
    t_cmp = time.perf_counter()
    records.write_asset_changes(changes)
    records.write_rel_changes(rel_rows)
    _write(
        "UNWIND $rows AS row MERGE (s:AssetState {asset_id: row.id}) "
        "SET s.fp = row.fp, s.label = row.label, s.scope = row.scope, s.props = row.props",
        states,
    )
    if removed:
        driver.write("UNWIND $ids AS id MATCH (s:AssetState {asset_id: id}) DELETE s", {"ids": removed})
    driver.write("MATCH (h:HistorySnapshot) DELETE h")
    keys = sorted(rels)
    _write(
        "UNWIND $rows AS row "
        "CREATE (:HistorySnapshot {run_id: row.run_id, chunk: row.chunk, rels: row.rels})",
        [
            {"run_id": run_id, "chunk": i // _CHUNK, "rels": json.dumps(keys[i : i + _CHUNK])}
            for i in range(0, max(len(keys), 1), _CHUNK)
        ],
    )
    counts = {k: sum(1 for c in changes if c["kind"] == k) for k in ("added", "changed", "removed")}
    counts["relationships"] = len(rel_rows)
    module = {
        "name": SOURCE,
        "scope": "graph",
        "status": "ok",
        "nodes": len(nodes),
        "relationships": len(rels),
        "errors": [],
        "labels": [],
    }
    runs.finish_run(run_id, "ok", [module], [])
    t_end = time.perf_counter()
    return {
        "run_id": run_id,
        "baseline": first,
        "nodes": len(nodes),
        "relationships": len(rels),
        "changes": counts,
        "seconds": {
            "read": round(t_read - t0, 3),
            "compare": round(t_cmp - t_read, 3),
            "write": round(t_end - t_cmp, 3),
            "total": round(t_end - t0, 3),
        },
    }
