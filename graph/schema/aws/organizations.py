"""AWS Organizations: the organization, its root, OUs, member accounts' placement, SCPs and RCPs.

Labels and ids follow Cartography's ``models/aws/organization.py``: ``AWSOrganization`` (id ``o-…``),
``AWSOrganizationRoot`` and ``AWSOrganizationalUnit`` (ids ``<org-id>/<root-or-ou-id>``, because AWS only
makes them unique within one organization), ``PARENT`` towards the root. Cartography has no policy
nodes; ours are ``AWSServiceControlPolicy`` / ``AWSResourceControlPolicy`` (both also
``AWSOrganizationsPolicy``, id ``<org-id>/<policy-id>``: ``p-FullAWSAccess`` exists in every
organization) with ``APPLIES_TO`` to the root, OUs and accounts they are attached to.

Everything but the organization node and the accounts is owned by the organization (``RESOURCE``) and
swept per organization. Member accounts are shared with the account folders' own modules, so the
organization never deletes them: it sets ``org_id`` / ``org_parent_id`` (the evaluation reads the
property, which is always current) and ``PARENT`` to the root or OU.
"""

from __future__ import annotations

from graph.schema.model import C, Direction, NodeSchema, P, RelSchema

_OWNED = RelSchema("RESOURCE", "AWSOrganization", {"id": C("ORG_ID")}, direction=Direction.INWARD)

AWS_ORGANIZATION = NodeSchema(
    "AWSOrganization",
    {
        "id": P("id"),
        "arn": P("arn", index=True),
        "feature_set": P("feature_set"),
        "management_account_arn": P("management_account_arn"),
        "management_account_id": P("management_account_id", index=True),
        "management_account_email": P("management_account_email"),
        "scp_enabled": P("scp_enabled"),  # ours: SERVICE_CONTROL_POLICY in the root's PolicyTypes
        "rcp_enabled": P("rcp_enabled"),  # ours: RESOURCE_CONTROL_POLICY in the root's PolicyTypes
    },
    extra_labels=("Tenant",),
)

AWS_ORGANIZATION_ROOT = NodeSchema(
    "AWSOrganizationRoot",
    {
        "id": P("id"),
        "root_id": P("root_id", index=True),
        "arn": P("arn", index=True),
        "name": P("name"),
        "org_id": P("org_id", index=True),
        "policy_types": P("policy_types"),  # ours: enabled policy types, e.g. ["SERVICE_CONTROL_POLICY"]
    },
    sub_resource=_OWNED,
    relationships=(RelSchema("PARENT", "AWSOrganization", {"id": C("ORG_ID")}),),
)

AWS_ORGANIZATIONAL_UNIT = NodeSchema(
    "AWSOrganizationalUnit",
    {
        "id": P("id"),
        "ou_id": P("ou_id", index=True),
        "arn": P("arn", index=True),
        "name": P("name"),
        "org_id": P("org_id", index=True),
        "root_id": P("root_id", index=True),
        "parent_root_id": P("parent_root_id"),
        "parent_ou_id": P("parent_ou_id"),
    },
    # Cartography scopes OUs by the root; one organization has exactly one root, so the organization
    # is the same scope and lets one sync context sweep everything.
    sub_resource=_OWNED,
    relationships=(
        RelSchema("PARENT", "AWSOrganizationRoot", {"id": P("parent_root_id")}),
        RelSchema("PARENT", "AWSOrganizationalUnit", {"id": P("parent_ou_id")}),
    ),
)

# Member accounts: written, never swept here (the account folders own AWSAccount).
AWS_ORGANIZATION_ACCOUNT = NodeSchema(
    "AWSAccount",
    {
        "id": P("id"),
        "arn": P("arn"),
        "email": P("email"),
        "state": P("state"),
        "status": P("status"),
        "joined_method": P("joined_method"),
        "joined_timestamp": P("joined_timestamp"),
        "org_id": P("org_id"),
        "org_account_name": P("org_account_name"),  # ours: Cartography's `name` is the alias here
        "org_parent_id": P("org_parent_id"),  # ours: the root or OU id the evaluation starts from
        "org_path": P("org_path"),  # ours: ids of the root and each OU down to the parent, root first
    },
    relationships=(
        RelSchema("PARENT", "AWSOrganizationRoot", {"id": P("parent_root_id")}),
        RelSchema("PARENT", "AWSOrganizationalUnit", {"id": P("parent_ou_id")}),
    ),
)

_POLICY_PROPS = {
    "id": P("id"),
    "policy_id": P("policy_id", index=True),
    "arn": P("arn", index=True),
    "name": P("name"),
    "description": P("description"),
    "type": P("type"),
    "aws_managed": P("aws_managed"),
    "org_id": P("org_id", index=True),
    "document": P("document"),  # canonical JSON of describe-policy's Content (like AWSPolicy.document)
    # ours, for the guardrail controls: lower-cased actions denied unconditionally on "*", and whether a
    # Deny is conditioned on the root user's ARN (aws:PrincipalArn like arn:aws:iam::*:root)
    "deny_actions": P("deny_actions"),
    "restricts_root_user": P("restricts_root_user"),
}
_TARGETS = (
    RelSchema("APPLIES_TO", "AWSOrganizationRoot", {"id": P("root_targets")}, many=True),
    RelSchema("APPLIES_TO", "AWSOrganizationalUnit", {"id": P("ou_targets")}, many=True),
    RelSchema("APPLIES_TO", "AWSAccount", {"id": P("account_targets")}, many=True),
)

AWS_SERVICE_CONTROL_POLICY = NodeSchema(
    "AWSServiceControlPolicy",
    _POLICY_PROPS,
    sub_resource=_OWNED,
    relationships=_TARGETS,
    extra_labels=("AWSOrganizationsPolicy",),
)
AWS_RESOURCE_CONTROL_POLICY = NodeSchema(
    "AWSResourceControlPolicy",
    _POLICY_PROPS,
    sub_resource=_OWNED,
    relationships=_TARGETS,
    extra_labels=("AWSOrganizationsPolicy",),
)

ORGANIZATION_SCHEMAS = (
    AWS_ORGANIZATION,
    AWS_ORGANIZATION_ROOT,
    AWS_ORGANIZATIONAL_UNIT,
    AWS_ORGANIZATION_ACCOUNT,
    AWS_SERVICE_CONTROL_POLICY,
    AWS_RESOURCE_CONTROL_POLICY,
)
