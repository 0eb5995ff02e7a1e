"""Generic loader: batched ingestion and scoped mark-and-sweep cleanup for any ``NodeSchema``.

Resource modules call ``load`` and ``cleanup`` and write no Cypher of their own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from graph import driver
from graph.schema.cypher import (
    FINGERPRINT,
    index_statements,
    ingestion_query,
    node_cleanup_query,
    rel_cleanup_queries,
)
from graph.schema.model import NodeSchema
from graph.schema.values import Kind, canonical, normalise

# A batch is bounded by rows *and* by its serialised size, so a few huge policy documents cannot push a
# transaction past Neo4j's per-transaction memory cap.
MAX_BATCH_ROWS = 2000
MAX_BATCH_BYTES = 4 * 1024 * 1024
CLEANUP_BATCH = 5000
_SCALAR = (str, int, float, bool)


class LoadError(ValueError):
    """A row cannot be stored; names the node label, the row id and the field."""


@dataclass
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


def project_rows(schema: NodeSchema, rows: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """Keep only the fields the schema reads, normalise and check them, and add the fingerprint.

    Normalising here (graph/schema/values.py), before the fingerprint, is what keeps a value that arrives in
    another spelling (a timestamp as text, a number as a string, a reordered tag list) from being a change.
    """
    kinds = field_kinds(schema)
    prop_fields = set(kinds)
    rel_fields = {
        r.source
        for rel in (schema.sub_resource, *schema.relationships)
        if rel is not None
        for r in (*rel.target_key.values(), *rel.properties.values())
        if not r.from_context
    }
    id_source = schema.properties["id"].source
    for row in rows:
        row_id = row.get(id_source)
        if not isinstance(row_id, str) or not row_id:
            raise LoadError(f"{schema.label}: row without a string {id_source!r} (its id): {str(row)[:200]}")
        out = {k: _check_value(schema, row_id, k, normalise(row.get(k), kinds[k])) for k in prop_fields}
        out[FINGERPRINT] = _fingerprint({k: canonical(v) for k, v in out.items()})
        for k in rel_fields - prop_fields:
            value = row.get(k)
            out[k] = list(value) if isinstance(value, (list, tuple, set)) else value
        yield out


def batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        row_size = len(json.dumps(row, default=str))
        if batch and (len(batch) >= MAX_BATCH_ROWS or size + row_size > MAX_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(row)
        size += row_size
    if batch:
        yield batch


def load(
    schema: NodeSchema, rows: Iterable[Mapping[str, Any]], update_tag: int, **context: Any
) -> LoadResult:
    """MERGE the rows as ``schema`` nodes (with relationships) and report what was new or changed."""
    query = ingestion_query(schema)
    result = LoadResult()
    for batch in batches(project_rows(schema, rows)):
        records = driver.write(query, {"rows": batch, "update_tag": update_tag, **context})
        result.nodes += len(records)
        by_id: dict[str, dict[str, Any]] | None = None
        id_source = schema.properties["id"].source
        for rec in records:
            result.relationships += rec["rels"]
            if rec["added"]:
                result.changes.append(NodeChange(schema.label, rec["id"], True, None))
            elif rec["before"] is not None:
                by_id = by_id if by_id is not None else {r[id_source]: r for r in batch}
                after = _graph_properties(schema, by_id[rec["id"]], context)
                # Compare only what this schema owns: other schemas may write other properties of the node.
                # The stored side goes through the same normalisation, so both sides are in one form.
                before = {
                    k: normalise(v, schema.properties[k].kind)
                    for k, v in rec["before"].items()
                    if k in schema.properties
                }
                result.changes.append(NodeChange(schema.label, rec["id"], False, before, after))
    return result


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


_BOOKKEEPING = {"firstseen", "lastupdated"}


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
