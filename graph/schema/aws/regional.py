"""Helpers for regional AWS node schemas (network, compute, load balancing, EKS).

Every regional node hangs from its account — (:AWSAccount)-[:RESOURCE]->(node) — carries the region it was
collected in, and is cleaned up per account *and* region, so syncing us-east-1 never sweeps eu-west-1.
"""

from __future__ import annotations

from dataclasses import replace

from graph.schema.model import C, NodeSchema, PropertyRef, RelSchema, account_resource


def regional_node(
    label: str,
    properties: dict[str, PropertyRef],
    relationships: tuple[RelSchema, ...] = (),
    extra_labels: tuple[str, ...] = (),
) -> NodeSchema:
    return NodeSchema(
        label,
        {**properties, "region": C("region")},
        sub_resource=account_resource(),
        relationships=relationships,
        extra_labels=extra_labels,
        cleanup_scope=("region",),
    )


def relationship_pass(schema: NodeSchema, *relationships: RelSchema) -> NodeSchema:
    """The same node type loaded a second time to merge relationships the first pass could not.

    Used where a relationship needs its targets to exist already (SG → SG in the same file) or needs
    one row per edge with edge properties (LB -[:EXPOSE {port}]-> target). Rows must carry the same
    property values as the first pass so the node's fingerprint — and its change history — is unaffected.
    """
    return replace(schema, relationships=relationships)
