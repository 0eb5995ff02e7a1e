"""What GCP says identities *use*: IAM policy insights and Activity Analyzer's last authentications (ours).

``GCPIAMInsight``: one ``google.iam.policy.Insight`` (id = its ``name``): the binding's ``member`` and
``role``, the permissions exercised (and inferred) in the ``observation_days`` window, and
``total_permissions`` (``currentTotalPermissionsCount``) — owned by the scope node, swept when a new insight
file no longer lists it. ``last_authenticated`` on GCPServiceAccount / GCPServiceAccountKey is a composite
(never swept: a missing activity file keeps it). ``usage_activity_since`` / ``usage_activity_at`` on the scope
node mark the activity files as *collected* (observation window start, collection time): only then does a
service account or key with no activity read as "no authentication observed", never before.
"""

from graph.schema.gcp.common import scoped
from graph.schema.model import SET, TIME, NodeSchema, P

GCP_IAM_INSIGHT = scoped(
    "GCPIAMInsight",
    {
        "id": P("id"),
        "member": P("member", index=True),
        "role": P("role"),
        "resource": P("resource"),
        "exercised": P("exercised", kind=SET),
        "inferred": P("inferred", kind=SET),
        "total_permissions": P("total_permissions"),
        "observation_days": P("observation_days"),
        "last_refresh": P("last_refresh", kind=TIME),
        "state": P("state"),
        "subtype": P("subtype"),
        "description": P("description"),
    },
    project_edge=False,
)
GCP_SA_LAST_AUTH = NodeSchema("GCPServiceAccount", {"id": P("id"), "last_authenticated": P("at", kind=TIME)})
GCP_SA_KEY_LAST_AUTH = NodeSchema(
    "GCPServiceAccountKey", {"id": P("id"), "last_authenticated": P("at", kind=TIME)}
)
_MARK = {
    "id": P("id"),
    "usage_activity_since": P("since", kind=TIME),
    "usage_activity_at": P("at", kind=TIME),
}
GCP_ACTIVITY_MARK_ORG = NodeSchema("GCPOrganization", _MARK)
GCP_ACTIVITY_MARK_PROJECT = NodeSchema("GCPProject", _MARK)
