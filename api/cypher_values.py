"""Neo4j values → JSON: nodes, relationships and paths as small objects; temporal/spatial as strings."""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence

from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point
from pydantic import JsonValue


def node_json(node: Node) -> dict[str, JsonValue]:
    return {
        "element_id": node.element_id,
        "labels": list[JsonValue](sorted(node.labels)),
        "properties": {k: to_json(v) for k, v in node.items()},
    }


def relationship_json(rel: Relationship) -> dict[str, JsonValue]:
    return {
        "element_id": rel.element_id,
        "type": rel.type,
        "start": rel.start_node.element_id if rel.start_node is not None else None,
        "end": rel.end_node.element_id if rel.end_node is not None else None,
        "properties": {k: to_json(v) for k, v in rel.items()},
    }


def to_json(value: object) -> JsonValue:
    """Recursive conversion of anything the driver hands back."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        # JSON has no NaN/Infinity; Starlette refuses them, so say them as strings.
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Node):
        return node_json(value)
    if isinstance(value, Relationship):
        return relationship_json(value)
    if isinstance(value, Path):
        return {
            "nodes": [node_json(n) for n in value.nodes],
            "relationships": [relationship_json(r) for r in value.relationships],
        }
    if isinstance(value, Point):  # a tuple subclass: must come before the Sequence case
        # Extended WKT keeps the coordinate system: "SRID=7203;POINT(1.5 2.0)".
        return f"SRID={value.srid};POINT({' '.join(repr(float(c)) for c in value)})"
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    iso = getattr(value, "iso_format", None)  # neo4j.time types; Duration is a tuple subclass
    if callable(iso):
        return str(iso())
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [to_json(v) for v in value]
    return str(value)  # anything newer than this module
