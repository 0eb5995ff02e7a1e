"""Cypher generated from ``NodeSchema``: ingestion, indexes and scoped cleanup.

Only schema-defined identifiers (labels, relationship types, property names — all constants in our code)
are spliced into the text; every value travels as a parameter. ``_ident`` refuses anything that is not a
plain identifier, so a schema typo cannot turn into injected Cypher either.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

from graph.schema.model import Direction, NodeSchema, PropertyRef, RelSchema

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
FINGERPRINT = "invgraph_fp"  # row key carrying the hash of the loaded properties; compares runs cheaply
# Row key carrying the hash of everything the row writes (properties, relationship keys, context): what the
# incremental load compares. Kept apart from FINGERPRINT because a relationship pass (same label, same
# properties, other relationships) shares the node's property fingerprint but not this one.
LOAD_FINGERPRINT = "invgraph_fp_load"


CREATED_FLAG = "invgraph_created"  # set by ON CREATE and removed in the same statement


def fingerprint_property(schema: NodeSchema) -> str:
    """Node property holding this schema's fingerprint.

    One per schema, because several schemas may write the same node (an S3 bucket's policy details, the
    account summary on AWSAccount): each compares only the properties it owns.
    """
    digest = hashlib.sha1(f"{schema.label}:{sorted(schema.properties)}".encode()).hexdigest()[:8]
    return f"{FINGERPRINT}_{digest}"


def load_fingerprint_property(schema: NodeSchema) -> str:
    """Node property holding this schema's LOAD_FINGERPRINT: one per schema *with* its relationships, so
    the first pass and a relationship pass of one node type each find their own value."""
    rels = sorted(repr(r) for r in (schema.sub_resource, *schema.relationships) if r is not None)
    digest = hashlib.sha1(f"{schema.label}:{sorted(schema.properties)}:{rels}".encode()).hexdigest()[:8]
    return f"{LOAD_FINGERPRINT}_{digest}"


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"not a safe Cypher identifier: {name!r}")
    return name


def _value(ref: PropertyRef) -> str:
    return f"${_ident(ref.source)}" if ref.from_context else f"item.{_ident(ref.source)}"


def _key_map(keys: dict[str, PropertyRef], *, many_var: str | None = None) -> str:
    parts = []
    for prop, ref in keys.items():
        value = many_var if many_var else _value(ref)
        parts.append(f"{_ident(prop)}: {value}")
    return "{" + ", ".join(parts) + "}"


def _pattern(rel: RelSchema, rel_var: str) -> str:
    arrow = f"-[{rel_var}:{_ident(rel.rel_type)}]->"
    if rel.direction is Direction.OUTWARD:
        return f"(n){arrow}(t)"
    return f"(t){arrow}(n)"


def _rel_subquery(rel: RelSchema, index: int) -> str:
    props = "".join(f", r.{_ident(k)} = {_value(v)}" for k, v in rel.properties.items())
    lines = ["CALL (n, item) {"]  # scope clause: only the node and its row enter the subquery
    if rel.many:
        (source,) = rel.target_key.values()
        lines.append(f"  UNWIND coalesce(item.{_ident(source.source)}, []) AS key")
        match = _key_map(rel.target_key, many_var="key")
    else:
        match = _key_map(rel.target_key)
    lines += [
        f"  MATCH (t:{_ident(rel.target_label)} {match})",
        f"  MERGE {_pattern(rel, 'r')}",
        "  ON CREATE SET r.firstseen = $update_tag",
        f"  SET r.lastupdated = $update_tag{props}",
        f"  RETURN count(r) AS rels{index}",
        "}",
    ]
    return "\n".join(lines)


@cache
def ingestion_query(schema: NodeSchema) -> str:
    """UNWIND the rows, MERGE each node on ``id``, set its properties, MERGE its relationships.

    Returns one row per node: whether it is new, its properties *before* the update when its fingerprint
    changed (null otherwise — so the history's cost is proportional to what changed), and how many
    relationships it merged.
    """
    labels = ":".join(_ident(x) for x in (schema.label, *schema.extra_labels))
    sets = ",\n    ".join(f"n.{_ident(k)} = {_value(v)}" for k, v in schema.properties.items() if k != "id")
    sets = f",\n    {sets}" if sets else ""
    fp = fingerprint_property(schema)
    lfp = load_fingerprint_property(schema)
    body = [
        "UNWIND $rows AS item",
        f"MERGE (n:{_ident(schema.label)} {{id: {_value(schema.properties['id'])}}})",
        # `added` means created by this MERGE: a second schema writing an existing node (bucket details,
        # account summary) must not report it as new just because its own fingerprint is still unset.
        f"ON CREATE SET n.firstseen = $update_tag, n.{CREATED_FLAG} = true",
        f"WITH n, item, n.{fp} AS old_fp, coalesce(n.{CREATED_FLAG}, false) AS created,",
        f"     CASE WHEN n.{fp} IS NOT NULL AND n.{fp} <> item.{FINGERPRINT}",
        "          THEN properties(n) END AS before",
        f"SET n:{labels}, n.lastupdated = $update_tag, n.{fp} = item.{FINGERPRINT},",
        f"    n.{lfp} = item.{LOAD_FINGERPRINT}{sets}",
        f"REMOVE n.{CREATED_FLAG}",
        "WITH n, item, old_fp, created, before",
    ]
    body += _rel_tail(schema, "created AS added, before, ")
    return "\n".join(body)


def _rel_tail(schema: NodeSchema, returns: str = "") -> list[str]:
    """The relationship subqueries and the RETURN shared by the ingestion and the touch query."""
    rels = [r for r in (schema.sub_resource, *schema.relationships) if r is not None]
    body = [_rel_subquery(rel, i) for i, rel in enumerate(rels)]
    total = " + ".join(f"rels{i}" for i in range(len(rels))) or "0"
    body.append(f"RETURN n.id AS id, {returns}{total} AS rels")
    return body


@cache
def touch_query(schema: NodeSchema) -> str:
    """The incremental load's statement for rows whose fingerprint the graph already holds.

    Everything the ingestion query would write that is not a node property: the labels, ``lastupdated``
    (what cleanup and history read) and the relationships — MERGEd exactly as the ingestion query does, so
    a target that appeared since the last run is linked and every kept relationship gets the run's tag.
    MATCH, not MERGE: a node that vanished since the fingerprints were read is reported missing and the
    loader sends its row through the ingestion query instead.
    """
    labels = ":".join(_ident(x) for x in (schema.label, *schema.extra_labels))
    body = [
        "UNWIND $rows AS item",
        f"MATCH (n:{_ident(schema.label)} {{id: {_value(schema.properties['id'])}}})",
        f"SET n:{labels}, n.lastupdated = $update_tag",
        "WITH n, item",
    ]
    return "\n".join(body + _rel_tail(schema))


@cache
def fingerprints_query(schema: NodeSchema) -> str:
    """This schema's stored fingerprint of each id in ``$ids`` (ids without a node are left out), and
    whether the run with ``$update_tag`` already wrote the node (through another schema)."""
    return (
        f"UNWIND $ids AS id MATCH (n:{_ident(schema.label)} {{id: id}}) "
        f"RETURN id, n.{load_fingerprint_property(schema)} AS fp, n.lastupdated = $update_tag AS seen"
    )


def _scope_match(schema: NodeSchema) -> tuple[str, str]:
    """MATCH on the owning sub-resource plus WHERE filters on the extra cleanup scope properties."""
    if schema.sub_resource is None:
        raise ValueError(f"{schema.label}: cleanup needs a sub-resource to scope it")
    sub = schema.sub_resource
    match = (
        f"MATCH (owner:{_ident(sub.target_label)} {_key_map(sub.target_key)})"
        f"-[:{_ident(sub.rel_type)}]->(n:{_ident(schema.label)})"
    )
    scope = "".join(f" AND n.{_ident(p)} = ${_ident(p)}" for p in schema.cleanup_scope)
    return match, scope


@cache
def node_cleanup_query(schema: NodeSchema) -> str:
    """Delete (in batches) this scope's nodes that the current run did not touch; return what was deleted."""
    match, scope = _scope_match(schema)
    return "\n".join(
        [
            match,
            f"WHERE n.lastupdated <> $update_tag{scope}",
            "WITH n LIMIT $limit",
            "WITH n, n.id AS id, labels(n) AS labels, properties(n) AS props",
            "DETACH DELETE n",
            "RETURN id, labels, props",
        ]
    )


@cache
def rel_cleanup_queries(schema: NodeSchema) -> tuple[str, ...]:
    """Delete this scope's stale relationships of each type the schema owns; return what was deleted."""
    match, scope = _scope_match(schema)
    out = []
    for rel in schema.relationships:
        out.append(
            "\n".join(
                [
                    match,
                    f"WHERE true{scope}",
                    f"MATCH {_pattern(rel, 'r')}",
                    f"WHERE t:{_ident(rel.target_label)} AND r.lastupdated <> $update_tag",
                    "WITH r LIMIT $limit",
                    "WITH r, startNode(r).id AS start, type(r) AS type, endNode(r).id AS end",
                    "DELETE r",
                    "RETURN start, type, end",
                ]
            )
        )
    return tuple(out)


def index_statements(schema: NodeSchema) -> list[str]:
    """Uniqueness on ``id`` plus the indexes every generated query looks up by."""
    label = _ident(schema.label)
    stmts = [
        f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE",
        f"CREATE INDEX {label.lower()}_lastupdated IF NOT EXISTS FOR (n:{label}) ON (n.lastupdated)",
        f"CREATE INDEX {label.lower()}_firstseen IF NOT EXISTS FOR (n:{label}) ON (n.firstseen)",
    ]
    for prop, ref in schema.properties.items():
        if ref.index and prop != "id":
            stmts.append(
                f"CREATE INDEX {label.lower()}_{_ident(prop).lower()} IF NOT EXISTS "
                f"FOR (n:{label}) ON (n.{prop})"
            )
    for rel in filter(None, (schema.sub_resource, *schema.relationships)):
        target = _ident(rel.target_label)
        for prop in rel.target_key:
            if prop != "id":
                stmts.append(
                    f"CREATE INDEX {target.lower()}_{_ident(prop).lower()} IF NOT EXISTS "
                    f"FOR (n:{target}) ON (n.{prop})"
                )
        rtype = _ident(rel.rel_type)
        stmts.append(
            f"CREATE INDEX rel_{rtype.lower()}_firstseen IF NOT EXISTS FOR ()-[r:{rtype}]-() ON (r.firstseen)"
        )
    return stmts
