"""Cloud Identity group memberships (``gcloud identity groups memberships list``), when collected.

``GCPGroup`` (ours; Cartography's Google Workspace module models groups from the Admin SDK, which we do not
read): id = the group's email, ``members`` = its direct members' emails (``preferredMemberKey.id``),
``member_kinds`` the matching ``type`` values (USER, GROUP, SERVICE_ACCOUNT, …). Owned by the scope node.
"""

from graph.schema.gcp.common import scoped
from graph.schema.model import P

GCP_GROUP = scoped(
    "GCPGroup",
    {"id": P("id"), "email": P("id"), "members": P("members"), "member_kinds": P("member_kinds")},
    project_edge=False,
)

__all__ = ["GCP_GROUP"]
