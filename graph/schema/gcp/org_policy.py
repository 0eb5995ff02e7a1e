"""GCP organization policies (Cloud Asset content type ``org-policy``, v1 and v2 forms) as GCPOrgPolicy.

One node per (resource, constraint) as *set* on that organization, folder or project — never the merged
value: inheritance (``inheritFromParent``, ``reset`` / ``restoreDefault``) is evaluated by
``analysis.privileges.gcp_org_policy`` along PARENT, the way the Organization Policy Service merges it.
``APPLIES_TO`` links the node to where it is set. Cartography has no model for organization policies.

``org_policies_collected`` on the scope node records that the org-policy listing was read (it may hold
no policy at all), so "nothing set" and "not collected" stay distinct.
"""

from graph.schema.gcp.common import scoped
from graph.schema.model import NodeSchema, P, RelSchema

GCP_ORG_POLICY = scoped(
    "GCPOrgPolicy",
    {
        "id": P("id"),
        "constraint": P("constraint", index=True),  # without the "constraints/" prefix
        "resource": P("resource"),  # organizations/N, folders/N, projects/<number or id>
        "resource_type": P("resource_type"),
        "form": P("form"),  # v1 (orgPolicy) or v2 (spec)
        "kind": P("kind"),  # boolean, list, or reset (restoreDefault / spec.reset)
        "enforced": P("enforced"),
        "allowed_values": P("allowed_values"),
        "denied_values": P("denied_values"),
        "all_values": P("all_values"),  # ALLOW / DENY (v1 allValues, v2 allowAll / denyAll)
        "inherit_from_parent": P("inherit_from_parent"),
        "reset": P("reset"),
        "conditional": P("conditional"),  # some rule carries a condition (v2 tags / resource conditions)
        "conditions": P("conditions"),
        "etag": P("etag"),
        "update_time": P("update_time"),
    },
    relationships=(
        RelSchema("APPLIES_TO", "GCPOrganization", {"id": P("target_org")}),
        RelSchema("APPLIES_TO", "GCPFolder", {"id": P("target_folder")}),
        RelSchema("APPLIES_TO", "GCPProject", {"projectnumber": P("target_project_number")}),
        RelSchema("APPLIES_TO", "GCPProject", {"id": P("target_project_id")}),
    ),
    project_edge=False,
)
GCP_ORG_POLICY_MARK_ORG = NodeSchema(
    "GCPOrganization", {"id": P("id"), "org_policies_collected": P("org_policies_collected")}
)
GCP_ORG_POLICY_MARK_PROJECT = NodeSchema(
    "GCPProject", {"id": P("id"), "org_policies_collected": P("org_policies_collected")}
)

__all__ = ["GCP_ORG_POLICY", "GCP_ORG_POLICY_MARK_ORG", "GCP_ORG_POLICY_MARK_PROJECT"]
