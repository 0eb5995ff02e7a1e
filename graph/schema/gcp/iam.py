"""GCPServiceAccount (+GCPPrincipal), GCPServiceAccountKey, GCPPolicyBinding — Cartography's IAM model.

(GCPServiceAccount)-[:HAS_KEY]->(GCPServiceAccountKey);
(GCPPrincipal {email})-[:HAS_ALLOW_POLICY]->(GCPPolicyBinding)-[:APPLIES_TO]->(org|folder|project|bucket|SA).
A binding's ``members`` holds the emails of user:/group:/serviceAccount: members (Cartography); public
principals show as ``is_public`` and, ours, ``public_members``; ``principals`` keeps every raw member string.
"""

from graph.schema.gcp.common import ASSET, scoped
from graph.schema.model import SET, TIME_TEXT, Direction, P, RelSchema

GCP_SERVICE_ACCOUNT = scoped(
    "GCPServiceAccount",
    {
        "id": P("id"),
        "unique_id": P("id"),
        "email": P("email", index=True),
        "display_name": P("display_name"),
        "oauth2_client_id": P("oauth2_client_id"),
        "disabled": P("disabled"),
        "name": P("name"),
        **ASSET,
    },
    extra_labels=("GCPPrincipal", "ServiceAccount"),
)

GCP_SERVICE_ACCOUNT_KEY = scoped(
    "GCPServiceAccountKey",
    {
        "id": P("id"),
        "name": P("id"),
        "key_type": P("key_type"),
        "key_origin": P("key_origin"),
        "key_algorithm": P("key_algorithm"),
        "valid_after_time": P("valid_after_time", kind=TIME_TEXT),
        "valid_before_time": P("valid_before_time", kind=TIME_TEXT),
        "disabled": P("disabled"),
        "service_account_email": P("service_account_email", index=True),
        **ASSET,
    },
    relationships=(
        RelSchema("HAS_KEY", "GCPServiceAccount", {"email": P("service_account_email")}, Direction.INWARD),
    ),
    extra_labels=("APIKey",),
)

GCP_POLICY_BINDING = scoped(
    "GCPPolicyBinding",
    {
        "id": P("id"),
        "role": P("role", index=True),
        "resource": P("resource", index=True),
        "resource_type": P("resource_type"),
        "members": P("members", kind=SET),
        "domains": P("domains", kind=SET),
        "is_public": P("is_public", index=True),
        "public_members": P("public_members", kind=SET),
        "principals": P("principals", kind=SET),
        "has_condition": P("has_condition"),
        "condition_title": P("condition_title"),
        "condition_expression": P("condition_expression"),
        "project_id": P("project_id"),
        "project_number": P("project_number"),
        "update_time": P("update_time", kind=TIME_TEXT),
    },
    relationships=(
        RelSchema("HAS_ALLOW_POLICY", "GCPPrincipal", {"email": P("members")}, Direction.INWARD, many=True),
        RelSchema("APPLIES_TO", "GCPOrganization", {"id": P("target_org")}),
        RelSchema("APPLIES_TO", "GCPFolder", {"id": P("target_folder")}),
        RelSchema("APPLIES_TO", "GCPProject", {"projectnumber": P("target_project_number")}),
        RelSchema("APPLIES_TO", "GCPBucket", {"id": P("target_bucket")}),
        RelSchema("APPLIES_TO", "GCPServiceAccount", {"id": P("target_service_account")}),
        RelSchema("APPLIES_TO", "GCPServiceAccount", {"email": P("target_service_account_email")}),
    ),
)
