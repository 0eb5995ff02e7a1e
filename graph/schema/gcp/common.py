"""The owner of every GCP node: the organization or project a snapshot folder is named after.

``gcp/<scope>/`` is an organization id (digits only: project ids must start with a letter) or a project
id. Everything collected under it hangs from that node — (:GCPOrganization|GCPProject)-[:RESOURCE]->(n) —
so cleanup is scoped to it and scanning project A never sweeps project B. A node type therefore has two
schema variants (owner label differs); ``ScopedSchema.pick(scope)`` chooses the one a sync uses.

Under an organization scope, project-level nodes also get Cartography's (:GCPProject)-[:RESOURCE]->(n),
matched by project *number* (``ancestors[0]`` of every asset), so queries can always walk project → resource.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.schema.model import (
    JSON,
    TIME_TEXT,
    Direction,
    NodeSchema,
    P,
    PropertyRef,
    RelSchema,
    account_resource,
)

SCOPE_ID = "GCP_SCOPE_ID"  # context key: "organizations/<n>" or the project id


def is_org(scope: str) -> bool:
    return scope.isdigit()


def scope_node_id(scope: str) -> str:
    return f"organizations/{scope}" if is_org(scope) else scope


def project_by_number(rel_type: str = "RESOURCE") -> RelSchema:
    return RelSchema(rel_type, "GCPProject", {"projectnumber": P("project_number")}, Direction.INWARD)


@dataclass(frozen=True)
class ScopedSchema:
    org: NodeSchema
    project: NodeSchema

    @property
    def label(self) -> str:
        return self.org.label

    def pick(self, scope: str) -> NodeSchema:
        return self.org if is_org(scope) else self.project

    @property
    def both(self) -> tuple[NodeSchema, NodeSchema]:
        return (self.org, self.project)


def scoped(
    label: str,
    properties: dict[str, PropertyRef],
    relationships: tuple[RelSchema, ...] = (),
    extra_labels: tuple[str, ...] = (),
    project_edge: bool = True,
) -> ScopedSchema:
    """Both owner variants of one node type; ``project_edge`` adds GCPProject-[:RESOURCE] under an org."""
    org_rels = (project_by_number(),) if project_edge else ()
    return ScopedSchema(
        NodeSchema(
            label,
            properties,
            account_resource("GCPOrganization", SCOPE_ID),
            (*org_rels, *relationships),
            extra_labels,
        ),
        NodeSchema(label, properties, account_resource("GCPProject", SCOPE_ID), relationships, extra_labels),
    )


# Properties every GCP asset row carries (from the Cloud Asset envelope, not the resource data).
ASSET = {
    "asset_name": P("asset_name", index=True),  # full resource name: //service.googleapis.com/…
    "project_id": P("project_id"),
    "project_number": P("project_number"),
    "update_time": P("update_time", kind=TIME_TEXT),
    "labels": P("labels", kind=JSON),  # ours: the resource's user labels as {key: value} JSON
}
