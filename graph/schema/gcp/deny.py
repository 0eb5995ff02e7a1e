"""GCP IAM deny policies and role definitions (ours: Cartography models neither).

``GCPDenyPolicy``: one node per deny policy (id = its ``name``,
``policies/<attachment point>/denypolicies/<id>``), ``attachment`` the short name of the organization,
folder or project it is attached to, ``rules`` the canonical JSON of its rules; ``APPLIES_TO`` the
attachment point. ``GCPRole``: a role definition (``gcloud iam roles describe``), ``permissions`` its
``includedPermissions`` — needed to tell whether a deny rule removes a role grant entirely. Both are owned
by the scope node.
"""

from graph.schema.gcp.common import scoped
from graph.schema.model import NodeSchema, P, RelSchema

GCP_DENY_POLICY = scoped(
    "GCPDenyPolicy",
    {
        "id": P("id"),
        "attachment": P("attachment", index=True),
        "display_name": P("display_name"),
        "rules": P("rules"),
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
GCP_ROLE = scoped(
    "GCPRole",
    {"id": P("id"), "title": P("title"), "stage": P("stage"), "permissions": P("permissions")},
    project_edge=False,
)

# ``deny_policies_collected`` on the scope node: the deny-policy file was read (it may list none).
GCP_DENY_MARK_ORG = NodeSchema("GCPOrganization", {"id": P("id"), "deny_policies_collected": P("collected")})
GCP_DENY_MARK_PROJECT = NodeSchema("GCPProject", {"id": P("id"), "deny_policies_collected": P("collected")})

__all__ = ["GCP_DENY_MARK_ORG", "GCP_DENY_MARK_PROJECT", "GCP_DENY_POLICY", "GCP_ROLE"]
