"""GCPOrganization, GCPFolder, GCPProject (Cartography ids: "organizations/N", "folders/N", project id).

Folders and projects link to their parent with PARENT, like Cartography. The scope node (the organization
of an org scan, the project of a project scan) has no owner and is never cleaned up.
"""

from graph.schema.gcp.common import scoped
from graph.schema.model import TIME_TEXT, NodeSchema, P, RelSchema

_PARENTS = (
    RelSchema("PARENT", "GCPOrganization", {"id": P("parent_org")}),
    RelSchema("PARENT", "GCPFolder", {"id": P("parent_folder")}),
)

GCP_ORGANIZATION = NodeSchema(
    "GCPOrganization",
    {
        "id": P("id"),
        "orgname": P("id"),
        "displayname": P("displayname"),
        "lifecyclestate": P("lifecyclestate"),
        "asset_name": P("asset_name"),
    },
    extra_labels=("Tenant",),
)

GCP_FOLDER = scoped(
    "GCPFolder",
    {
        "id": P("id"),
        "foldername": P("id"),
        "displayname": P("displayname"),
        "lifecyclestate": P("lifecyclestate"),
        "parent_org": P("parent_org"),
        "parent_folder": P("parent_folder"),
        "asset_name": P("asset_name"),
        "update_time": P("update_time", kind=TIME_TEXT),
    },
    relationships=_PARENTS,
    project_edge=False,
).org

_PROJECT_PROPS = {
    "id": P("id"),
    "projectid": P("id"),
    "projectnumber": P("projectnumber", index=True),
    "displayname": P("displayname"),
    "lifecyclestate": P("lifecyclestate"),
    "parent_org": P("parent_org"),
    "parent_folder": P("parent_folder"),
    "asset_name": P("asset_name"),
    "update_time": P("update_time", kind=TIME_TEXT),
}
GCP_PROJECT = scoped(
    "GCPProject", _PROJECT_PROPS, relationships=_PARENTS, extra_labels=("Tenant",), project_edge=False
).org
# The project of a project scan is its own scope: no owner, never cleaned up.
GCP_PROJECT_SCOPE = NodeSchema("GCPProject", _PROJECT_PROPS, relationships=_PARENTS, extra_labels=("Tenant",))

__all__ = ["GCP_FOLDER", "GCP_ORGANIZATION", "GCP_PROJECT", "GCP_PROJECT_SCOPE"]
