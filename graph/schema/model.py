"""Declarative, frozen schemas for the nodes and relationships we load.

One ``NodeSchema`` per node type generates three things (see ``graph.schema.cypher``): the batched
``UNWIND … MERGE`` ingestion query, the indexes it needs, and the cleanup query scoped to the owning
account or cluster. The labels, relationship types and key properties follow Cartography's schema so that
graphs loaded by the ``cartography`` package and by invgraph are interchangeable; deviations are listed in
docs/schema.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from graph.schema.values import Kind


@dataclass(frozen=True)
class PropertyRef:
    """Where a node or relationship property comes from.

    ``source`` is a key of the transformed row, or — with ``from_context`` — the name of a value the
    sync passes once for the whole batch (the account id, the cluster id, the region).
    """

    source: str
    from_context: bool = False
    index: bool = False
    # How the loader normalises the value before storing and fingerprinting it (graph/schema/values.py):
    # order-free lists, JSON documents, numbers that may arrive as text, timestamps that may be text.
    kind: Kind = Kind.PLAIN


def P(source: str, index: bool = False, kind: Kind = Kind.PLAIN) -> PropertyRef:  # noqa: N802 - short on purpose
    return PropertyRef(source, index=index, kind=kind)


# Kinds for ``P(..., kind=…)``, re-exported so schema modules import one place.
TIME, TIME_TEXT, NUMBER, SET, JSON = Kind.TIME, Kind.TIME_TEXT, Kind.NUMBER, Kind.SET, Kind.JSON


def props(*names: str | tuple[str, Kind]) -> dict[str, PropertyRef]:
    """``P(name)`` per name, for tables of fields; a ``(name, kind)`` entry declares the value's kind."""
    out = {}
    for entry in names:
        name, kind = (entry, Kind.PLAIN) if isinstance(entry, str) else entry
        out[name] = P(name, kind=kind)
    return out


def C(source: str) -> PropertyRef:  # noqa: N802
    return PropertyRef(source, from_context=True)


class Direction(Enum):
    OUTWARD = "out"  # (node)-[:REL]->(target)
    INWARD = "in"  # (node)<-[:REL]-(target)


@dataclass(frozen=True)
class RelSchema:
    """A relationship from the node being loaded to a node matched by key properties.

    With ``many=True`` the single entry of ``target_key`` names a row field holding a *list* of keys,
    and one relationship is merged per element.
    """

    rel_type: str
    target_label: str
    target_key: dict[str, PropertyRef]
    direction: Direction = Direction.OUTWARD
    many: bool = False
    properties: dict[str, PropertyRef] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.rel_type, self.target_label, self.direction, tuple(self.target_key)))


@dataclass(frozen=True)
class NodeSchema:
    """A node type: its label, its properties (``id`` is the merge key), owner and other relationships."""

    label: str
    properties: dict[str, PropertyRef]
    sub_resource: RelSchema | None = None
    relationships: tuple[RelSchema, ...] = ()
    extra_labels: tuple[str, ...] = ()
    # Extra properties that narrow cleanup below the sub-resource (e.g. the region of a regional resource),
    # so a region that was not collected keeps its nodes.
    cleanup_scope: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if "id" not in self.properties:
            raise ValueError(f"{self.label}: every node schema needs an 'id' property (the merge key)")
        if self.sub_resource and self.sub_resource.many:
            raise ValueError(f"{self.label}: the sub-resource relationship must be one-to-one")
        if self.sub_resource and not all(r.from_context for r in self.sub_resource.target_key.values()):
            # Cleanup is scoped by the owner, which is one value per sync, never a per-row field.
            raise ValueError(f"{self.label}: the sub-resource key must come from the sync context (C(...))")

    def __hash__(self) -> int:
        return hash((self.label, tuple(self.properties)))


def account_resource(label: str = "AWSAccount", context_key: str = "AWS_ID") -> RelSchema:
    """Cartography's owner edge: (:AWSAccount)-[:RESOURCE]->(node), likewise for clusters and projects."""
    return RelSchema("RESOURCE", label, {"id": C(context_key)}, direction=Direction.INWARD)
