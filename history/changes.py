"""History that survives cleanup: what each run added, changed and removed.

Recorded after every ingest from what the loader and the cleanup already know, so the cost is
proportional to what changed, not to the graph size. The records (history/records.py writes them):

* ``AssetChange`` — assets added, changed (``changes``: JSON list of ``{property, before, after}``), removed;
* ``RelChange`` — relationships that appeared (``firstseen`` equal to the run's update tag, found through
  the relationship indexes) or were swept by cleanup.

Bookkeeping properties (``firstseen``, ``lastupdated``, the fingerprint) never count as changes. A module
that was not collected or failed runs no cleanup, so it can never produce removals. Each record's ``scope`` is
the owner graph/scopes.py filters on (``record_scope``; a GCP organization scan's records get the project that
holds each asset, history/gcp_scope.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from graph import driver
from graph.schema.loader import NodeChange, is_bookkeeping
from graph.schema.model import NodeSchema
from graph.schema.values import canonical, same
from history.fold import fold_relationships
from history.gcp_scope import is_org_scan, scope_removed_relationships, scope_rows
from history.records import BATCH, ensure_schema, write_asset_changes, write_rel_changes

# Owner edges duplicate the node's own added/removed record; leaving them out keeps drift readable.
IGNORED_REL_TYPES = {"RESOURCE"}


def _json(value: Any) -> str:
    return json.dumps(canonical(value), sort_keys=True, default=str)


def property_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Properties whose meaning differs; values in canonical form (graph/schema/values.py), so a Neo4j
    DateTime read back from the graph equals the datetime it was written from."""
    keys = sorted(set(before) | set(after))
    return [
        {"property": k, "before": canonical(before.get(k)), "after": canonical(after.get(k))}
        for k in keys
        if not is_bookkeeping(k) and not same(before.get(k), after.get(k))
    ]


def change_rows(run_id: str, scope: str, changes: Iterable[NodeChange]) -> Iterator[dict[str, Any]]:
    for c in changes:
        if c.added:
            yield {
                "run_id": run_id,
                "asset_id": c.id,
                "label": c.label,
                "kind": "added",
                "scope": scope,
                "changes": None,
                "before": None,
                "after": None,
            }
            continue
        diff = property_changes(c.before or {}, c.after or {})
        if diff:  # a fingerprint can move without a visible change (e.g. list order); skip those
            yield {
                "run_id": run_id,
                "asset_id": c.id,
                "label": c.label,
                "kind": "changed",
                "scope": scope,
                "changes": _json(diff),
                "before": None,
                "after": None,
            }


def removal_rows(
    run_id: str, scope: str, removed: Iterable[tuple[str, list[str], dict[str, Any]]]
) -> Iterator[dict[str, Any]]:
    for asset_id, labels, props in removed:
        yield {
            "run_id": run_id,
            "asset_id": asset_id,
            "label": labels[0] if labels else "",
            "kind": "removed",
            "scope": scope,
            "changes": None,
            "before": _json(props),
            "after": None,
        }


# The owner of an endpoint (its account id, or its cluster's name) is the relationship's scope, so that drift
# can filter relationships by account / cluster without looking their endpoints up again. An endpoint with
# several owners (a GCP principal seen in its project and in the organization) takes the most specific one,
# chosen by rule rather than by storage order, so the same graph always gives the same scope.
_OWNER_SCOPE = """
CALL (a, b) {
  OPTIONAL MATCH (a)<-[:RESOURCE]-(oa) OPTIONAL MATCH (b)<-[:RESOURCE]-(ob)
  WITH coalesce(oa, ob) AS o
  RETURN o ORDER BY CASE WHEN o:GCPOrganization OR o:GCPFolder THEN 1 ELSE 0 END, o.id LIMIT 1
}
RETURN a.id AS a, b.id AS b,
       CASE WHEN o IS NULL THEN null WHEN o:KubernetesCluster THEN o.name ELSE o.id END AS scope
"""


def added_relationships(
    update_tag: int, schemas: Iterable[NodeSchema]
) -> list[tuple[str, str, str, str | None]]:
    """Relationships first seen in this run (with their owner scope), one indexed lookup per type."""
    types = sorted({r.rel_type for s in schemas for r in s.relationships} - IGNORED_REL_TYPES)
    out: list[tuple[str, str, str, str | None]] = []
    for rel_type in types:
        # rel_type comes from our frozen schemas, never from input; still checked by the schema layer.
        rows = driver.read(
            f"MATCH (a)-[r:{rel_type}]->(b) WHERE r.firstseen = $tag WITH DISTINCT a, b" + _OWNER_SCOPE,
            {"tag": update_tag},
        )
        out += [(r["a"], rel_type, r["b"], r["scope"]) for r in rows]
    return out


def _added_properties(rows: list[dict[str, Any]]) -> None:
    """Fill ``after`` of added rows with the node's stored properties (bookkeeping left out).

    Drift needs them to tell a removed-then-re-added asset apart from an unchanged one, and to name assets
    that were added and are gone again. One indexed lookup per label: cost follows the number of additions.
    """
    by_label: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["kind"] == "added":
            by_label.setdefault(row["label"], []).append(row)
    for label, items in by_label.items():
        for start in range(0, len(items), BATCH):
            chunk = items[start : start + BATCH]
            found = driver.read(
                f"UNWIND $ids AS id MATCH (n:`{label}` {{id: id}}) RETURN n.id AS id, properties(n) AS props",
                {"ids": [r["asset_id"] for r in chunk]},
            )
            props = {f["id"]: {k: v for k, v in f["props"].items() if not is_bookkeeping(k)} for f in found}
            for row in chunk:
                if row["asset_id"] in props:
                    row["after"] = _json(props[row["asset_id"]])


def implied_removals(removed_ids: list[str], explicit: set[tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Relationships that vanished with a removed node, found through their own earlier records.

    A node cleanup detaches the node, which also deletes relationships owned by *other* schemas (a Service's
    TARGETS to a removed pod) without reporting them. Each removed node's relationship records (indexed by
    endpoint) are folded; those still standing are recorded as removed too. Cost follows the removals.
    """
    if not removed_ids:
        return []
    rows = driver.read(
        """
        UNWIND $ids AS id
        CALL (id) { MATCH (c:RelChange {start: id}) RETURN c UNION MATCH (c:RelChange {end: id}) RETURN c }
        OPTIONAL MATCH (r:IngestRun {id: c.run_id})
        RETURN DISTINCT c.start AS start, c.type AS type, c.end AS end, c.kind AS kind, c.scope AS scope,
               r.started_at AS at, coalesce(c.seq, 0) AS seq
        ORDER BY at, seq
        """,
        {"ids": removed_ids},
    )
    return [
        {"start": k[0], "type": k[1], "end": k[2], "kind": "removed", "scope": net.scope}
        for k, net in fold_relationships(rows).items()
        if net.exists and k not in explicit
    ]


def record_scope(res: Any) -> str:
    """The scope a module's change records carry: the one graph/scopes.py filters on (an owner id, or one
    with ``/…`` below it). AWS ``account/region`` and Kubernetes scopes already start with their owner; an
    Azure module's ``tenant/subscription`` is recorded as the subscription (the owner of its assets), and a
    tenant-wide Azure module keeps the tenant — no key scope names a tenant, so only unscoped keys see it."""
    if res.name.startswith("azure.") and "/" in res.scope:
        return res.scope.split("/", 1)[1]
    return res.scope


def record(
    run_id: str, update_tag: int, results: Iterable[Any], schemas: Iterable[NodeSchema]
) -> dict[str, int]:
    """Store the run's node and relationship changes; returns counts per kind."""
    ensure_schema()
    results = list(results)
    schemas = list(schemas)
    node_rows: list[dict[str, Any]] = []
    rel_rows: list[dict[str, Any]] = []
    # An organization scan's rows get their project as scope below (history/gcp_scope.py).
    gcp_nodes: list[dict[str, Any]] = []
    gcp_rels: list[dict[str, Any]] = []
    gcp_changed: dict[str, dict[str, Any]] = {}
    for res in results:
        scope = record_scope(res)
        rows = [
            *change_rows(run_id, scope, res.changes),
            *removal_rows(run_id, scope, res.removed.removed_nodes),
        ]
        removed_rels = [
            {
                "run_id": run_id,
                "start": s,
                "type": t,
                "end": e,
                "kind": "removed",
                "scope": scope.split("/")[0],
            }
            for s, t, e in res.removed.removed_relationships
            if t not in IGNORED_REL_TYPES
        ]
        node_rows += rows
        rel_rows += removed_rels
        if is_org_scan(res):
            gcp_nodes += rows
            gcp_rels += removed_rels
            gcp_changed.update({c.id: c.after or c.before or {} for c in res.changes if not c.added})
    scope_removed_relationships(gcp_rels)
    rel_rows += [
        {"run_id": run_id, "start": s, "type": t, "end": e, "kind": "added", "scope": scope}
        for s, t, e, scope in added_relationships(update_tag, schemas)
    ]
    explicit = {(r["start"], r["type"], r["end"]) for r in rel_rows}
    removed_ids = [r["asset_id"] for r in node_rows if r["kind"] == "removed"]
    rel_rows += [{**r, "run_id": run_id} for r in implied_removals(removed_ids, explicit)]
    _added_properties(node_rows)
    scope_rows(gcp_nodes, gcp_changed, schemas)
    write_asset_changes(node_rows)
    write_rel_changes(rel_rows)
    counts: dict[str, int] = {}
    for row in node_rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    counts["relationships"] = len(rel_rows)
    return counts
