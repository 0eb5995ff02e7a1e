"""Generic loader: batched ingestion and scoped mark-and-sweep cleanup for any ``NodeSchema``.

Resource modules call ``load`` and ``cleanup`` and write no Cypher of their own.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import Any

from config import get_settings
from graph import driver
from graph.schema.cypher import (
    FINGERPRINT,
    LOAD_FINGERPRINT,
    fingerprints_query,
    index_statements,
    ingestion_query,
    node_cleanup_query,
    rel_cleanup_queries,
    touch_query,
)
from graph.schema.model import NodeSchema, PropertyRef
from graph.schema.values import Kind, canonical, normalise

# A batch is bounded by rows *and* by its serialised size, so a few huge policy documents cannot push a
# transaction past Neo4j's per-transaction memory cap.
MAX_BATCH_ROWS = 2000
MAX_BATCH_BYTES = 4 * 1024 * 1024
CLEANUP_BATCH = 5000
# Unchanged rows travel as their id and relationship keys only, so their batches can be larger.
TOUCH_BATCH = 10000
FINGERPRINT_BATCH = 20000
_SCALAR = (str, int, float, bool)


class LoadError(ValueError):
    """A row cannot be stored; names the node label, the row id and the field."""


@dataclass(slots=True)  # one per new or changed node of the run, kept until history is recorded
class NodeChange:
    label: str
    id: str
    added: bool
    before: dict[str, Any] | None  # properties before the update, for changed nodes
    after: dict[str, Any] | None = None  # the loaded properties, for changed nodes


@dataclass
class LoadResult:
    nodes: int = 0
    relationships: int = 0
    changes: list[NodeChange] = field(default_factory=list)
    unchanged: int = 0  # of ``nodes``: rows the incremental load only marked as seen


@dataclass
class CleanupResult:
    removed_nodes: list[tuple[str, list[str], dict[str, Any]]] = field(default_factory=list)
    removed_relationships: list[tuple[str, str, str]] = field(default_factory=list)


def _check_value(schema: NodeSchema, row_id: Any, key: str, value: Any) -> Any:
    if value is None or isinstance(value, _SCALAR) or isinstance(value, (datetime, date)):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, _SCALAR) for v in value):
        return list(value)
    raise LoadError(
        f"{schema.label} {row_id!r}: field {key!r} has a {type(value).__name__}, not a property value"
    )


def field_kinds(schema: NodeSchema) -> dict[str, Kind]:
    """Row field -> declared kind; a field read by several properties takes the declared (non-plain) one."""
    out: dict[str, Kind] = {}
    for ref in schema.properties.values():
        if not ref.from_context and (ref.kind is not Kind.PLAIN or ref.source not in out):
            out[ref.source] = ref.kind
    return out


def _fingerprint(values: Mapping[str, Any]) -> str:
    blob = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def _rel_refs(schema: NodeSchema) -> list[PropertyRef]:
    rels = (schema.sub_resource, *schema.relationships)
    return [
        r for rel in rels if rel is not None for r in (*rel.target_key.values(), *rel.properties.values())
    ]


def relationship_fields(schema: NodeSchema) -> set[str]:
    """Row fields the relationship MERGEs read (target keys, relationship properties)."""
    return {r.source for r in _rel_refs(schema) if not r.from_context}


def project_rows(
    schema: NodeSchema, rows: Iterable[Mapping[str, Any]], context: Mapping[str, Any] | None = None
) -> Iterator[dict[str, Any]]:
    """Keep only the fields the schema reads, normalise and check them, and add the two fingerprints.

    Normalising here (graph/schema/values.py), before the fingerprints, is what keeps a value that arrives in
    another spelling (a timestamp as text, a number as a string, a reordered tag list) from being a change.
    FINGERPRINT covers the node's properties (what history calls a change). LOAD_FINGERPRINT covers
    everything the ingestion query writes from the row: the properties, the relationship keys and properties,
    and the context values (account, region) it reads — so an equal one means the row would write exactly
    what the graph already holds (incremental load).
    """
    kinds = field_kinds(schema)
    prop_fields = set(kinds)
    rel_fields = relationship_fields(schema)
    context_fields = {r.source for r in (*_rel_refs(schema), *schema.properties.values()) if r.from_context}
    fixed = {f"${k}": canonical((context or {}).get(k)) for k in sorted(context_fields)}
    id_source = schema.properties["id"].source
    for row in rows:
        row_id = row.get(id_source)
        if not isinstance(row_id, str) or not row_id:
            raise LoadError(f"{schema.label}: row without a string {id_source!r} (its id): {str(row)[:200]}")
        out = {k: _check_value(schema, row_id, k, normalise(row.get(k), kinds[k])) for k in prop_fields}
        canon = {k: canonical(v) for k, v in out.items()}
        for k in rel_fields - prop_fields:
            value = row.get(k)
            out[k] = list(value) if isinstance(value, (list, tuple, set)) else value
        out[FINGERPRINT] = _fingerprint(canon)
        canon.update({k: canonical(out[k]) for k in rel_fields - prop_fields})
        out[LOAD_FINGERPRINT] = _fingerprint({**canon, **fixed})
        yield out


def batches(rows: Iterable[dict[str, Any]], max_rows: int = MAX_BATCH_ROWS) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        row_size = len(json.dumps(row, default=str))
        if batch and (len(batch) >= max_rows or size + row_size > MAX_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(row)
        size += row_size
    if batch:
        yield batch


def load(
    schema: NodeSchema, rows: Iterable[Mapping[str, Any]], update_tag: int, **context: Any
) -> LoadResult:
    """MERGE the rows as ``schema`` nodes (with relationships) and report what was new or changed.

    Incremental (the default; setting ``INVGRAPH_INCREMENTAL_LOAD``): rows whose fingerprint the graph already
    holds go through ``touch_query`` instead (labels, ``lastupdated``, relationships; no property writes).
    The graph ends the same either way; tests/integration/test_incremental_load.py compares whole dumps.
    """
    projected = project_rows(schema, rows, context)
    params = {"update_tag": update_tag, **context}
    result = LoadResult()
    if not get_settings().ingest.incremental_load:
        _merge(schema, projected, params, result)
        return result
    rows_list = list(projected)
    fresh, same = _split(schema, rows_list, update_tag)
    if _links_own_label(schema):
        # A relationship may target a node this very call creates: keep the rows' order, as a full load
        # would, so a link forms (or not) exactly when it would have.
        for kind, segment in _segments(rows_list, same):
            (_touch if kind else _merge)(schema, segment, params, result)
    else:
        _merge(schema, fresh, params, result)
        _touch(schema, same, params, result)
    return result


def _split(
    schema: NodeSchema, rows: list[dict[str, Any]], update_tag: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rows to MERGE, rows to touch). A row is touched only when the graph holds its fingerprint, its id is
    unique in the call and no other schema wrote the node earlier in this run (that one may have set a
    property both schemas own, which a full load would now overwrite)."""
    id_source = schema.properties["id"].source
    ids = [r[id_source] for r in rows]
    stored: dict[str, str] = {}
    for start in range(0, len(ids), FINGERPRINT_BATCH):
        chunk = ids[start : start + FINGERPRINT_BATCH]
        for rec in driver.read(fingerprints_query(schema), {"ids": chunk, "update_tag": update_tag}):
            if rec["fp"] is not None and not rec["seen"]:
                stored[rec["id"]] = rec["fp"]
    dup = {i for i, n in Counter(ids).items() if n > 1}
    fresh, same = [], []
    for row in rows:
        rid = row[id_source]
        (same if stored.get(rid) == row[LOAD_FINGERPRINT] and rid not in dup else fresh).append(row)
    return fresh, same


def _links_own_label(schema: NodeSchema) -> bool:
    own = {schema.label, *schema.extra_labels}
    return any(r.target_label in own for r in schema.relationships)


def _segments(
    rows: list[dict[str, Any]], same: list[dict[str, Any]]
) -> Iterator[tuple[bool, list[dict[str, Any]]]]:
    touched = {id(r) for r in same}
    for kind, group in groupby(rows, key=lambda r: id(r) in touched):
        yield kind, list(group)


def _merge(
    schema: NodeSchema, rows: Iterable[dict[str, Any]], params: dict[str, Any], result: LoadResult
) -> None:
    query = ingestion_query(schema)
    id_source = schema.properties["id"].source
    for batch in batches(rows):
        records = driver.write(query, {"rows": batch, **params})
        result.nodes += len(records)
        by_id: dict[str, dict[str, Any]] | None = None
        for rec in records:
            result.relationships += rec["rels"]
            if rec["added"]:
                result.changes.append(NodeChange(schema.label, rec["id"], True, None))
            elif rec["before"] is not None:
                by_id = by_id if by_id is not None else {r[id_source]: r for r in batch}
                after = _graph_properties(schema, by_id[rec["id"]], params)
                # Compare only what this schema owns: other schemas may write other properties of the node.
                # The stored side goes through the same normalisation, so both sides are in one form.
                before = {
                    k: normalise(v, schema.properties[k].kind)
                    for k, v in rec["before"].items()
                    if k in schema.properties
                }
                result.changes.append(NodeChange(schema.label, rec["id"], False, before, after))


def _touch(
    schema: NodeSchema, rows: list[dict[str, Any]], params: dict[str, Any], result: LoadResult
) -> None:
    """Mark unchanged rows as seen by this run; a row whose node vanished meanwhile is MERGEd after all."""
    if not rows:
        return
    id_source = schema.properties["id"].source
    keep = {id_source, *relationship_fields(schema)}
    query = touch_query(schema)
    missing = []
    for chunk in batches(({k: r.get(k) for k in keep} for r in rows), max_rows=TOUCH_BATCH):
        records = driver.write(query, {"rows": chunk, **params})
        result.nodes += len(records)
        result.unchanged += len(records)
        result.relationships += sum(rec["rels"] for rec in records)
        if len(records) < len(chunk):
            done = {rec["id"] for rec in records}
            missing += [r[id_source] for r in chunk if r[id_source] not in done]
    if missing:
        gone = set(missing)
        _merge(schema, (r for r in rows if r[id_source] in gone), params, result)


def _graph_properties(
    schema: NodeSchema, row: Mapping[str, Any], context: Mapping[str, Any]
) -> dict[str, Any]:
    """The properties as stored in the graph (graph names, context values filled in), nulls left out."""
    out = {}
    for prop, ref in schema.properties.items():
        value = context.get(ref.source) if ref.from_context else row.get(ref.source)
        if value is not None:
            out[prop] = value
    return out


# Also the GCP usage collection marks (graph/schema/gcp/usage.py): when the activity files were collected and
# the window they cover move with every collection by design, so they are never drift.
_BOOKKEEPING = {"firstseen", "lastupdated", "usage_activity_since", "usage_activity_at"}


def is_bookkeeping(prop: str) -> bool:
    return prop in _BOOKKEEPING or prop.startswith(FINGERPRINT)


def cleanup(schema: NodeSchema, update_tag: int, **context: Any) -> CleanupResult:
    """Sweep this scope's nodes and relationships that the run with ``update_tag`` did not touch.

    Callers run it only for inputs that were present and valid: a module that was not collected, failed or
    was denied never reaches cleanup, so its previous data stays.
    """
    out = CleanupResult()
    params = {"update_tag": update_tag, "limit": CLEANUP_BATCH, **context}
    for query in rel_cleanup_queries(schema):
        while rows := driver.write(query, params):
            out.removed_relationships += [(r["start"], r["type"], r["end"]) for r in rows]
    query = node_cleanup_query(schema)
    while rows := driver.write(query, params):
        # The schema's label first: labels(n) comes back in label-token order, which depends on which label
        # the database happened to see first (ObjectStorage from a GCP bucket before S3Bucket, say).
        out.removed_nodes += [
            (r["id"], [schema.label, *(x for x in r["labels"] if x != schema.label)], _strip(r["props"]))
            for r in rows
        ]
    return out


def _strip(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if not is_bookkeeping(k)}


def ensure_indexes(schemas: Iterable[NodeSchema]) -> None:
    """Idempotent schema setup for these schemas (graph/driver.py ``ensure_schema``)."""
    driver.ensure_schema(stmt for schema in schemas for stmt in index_statements(schema))
