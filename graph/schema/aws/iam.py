"""IAM node schemas with Cartography's labels, relationship types and key properties.

Ownership (the RESOURCE edge from the account, which also scopes cleanup) follows one rule: a node is
owned by the account whose sync may delete it. Shared, account-less things — AWS-managed policies and their
statements, service principals, ``*``, principals of accounts we do not collect — have no owner and are
never swept by an account's cleanup (another account may still use them); stale *edges* to them are swept
because the edges belong to the owning principal or role. See docs/schema/aws-iam-data.md.

Properties that come from an optional per-resource file (a key's last use, a principal's service-last-
accessed report, a user's console use) are composite schemas like Cartography's: the same label, only ``id``
and those properties, loaded only for nodes whose file exists and never swept, so an absent file keeps them.
"""

from __future__ import annotations

from dataclasses import replace

from graph.schema.model import (
    JSON,
    SET,
    TIME,
    TIME_TEXT,
    Direction,
    NodeSchema,
    P,
    RelSchema,
    account_resource,
)
from graph.schema.model import props as _props

# -- policies and statements ---------------------------------------------------------------------------
_POLICY_PROPS = {
    "id": P("id"),
    "arn": P("arn", index=True),
    **_props(
        "name",
        "type",
        "policyid",
        "path",
        "default_version_id",
        ("createdate", TIME),
        ("updatedate", TIME),
        "description",
        ("document", JSON),
    ),
}
# Customer-managed and inline policies belong to the account; AWS-managed ones are shared by every account.
AWS_POLICY = NodeSchema(
    "AWSPolicy", _POLICY_PROPS, sub_resource=account_resource(), extra_labels=("AWSManagedPolicy",)
)
AWS_INLINE_POLICY = replace(AWS_POLICY, extra_labels=("AWSInlinePolicy",))
AWS_MANAGED_POLICY_GLOBAL = replace(AWS_POLICY, sub_resource=None)

# Statement lists are order-free ("Action": ["a", "b"] grants what ["b", "a"] grants).
_STATEMENT_PROPS = _props(
    "id",
    "effect",
    ("action", SET),
    ("notaction", SET),
    ("resource", SET),
    ("notresource", SET),
    ("condition", JSON),
    "sid",
)
_STATEMENT_OF = RelSchema("STATEMENT", "AWSPolicy", {"id": P("policy_id")}, Direction.INWARD)
AWS_POLICY_STATEMENT = NodeSchema(
    "AWSPolicyStatement", _STATEMENT_PROPS, sub_resource=account_resource(), relationships=(_STATEMENT_OF,)
)
AWS_POLICY_STATEMENT_GLOBAL = replace(AWS_POLICY_STATEMENT, sub_resource=None)

# -- trusted principals that are not users, groups or roles of this account ----------------------------
_PRINCIPAL_PROPS = {"id": P("id"), "arn": P("arn", index=True), "type": P("type")}
AWS_ROOT_PRINCIPAL = NodeSchema(
    "AWSRootPrincipal",
    {"id": P("id"), "arn": P("arn", index=True)},
    sub_resource=account_resource(),
    extra_labels=("AWSPrincipal",),
)
# A foreign account's root hangs from that account (as Cartography); the account id is on the row, so it is
# a plain relationship, not the sub-resource: this account's cleanup must never sweep another account's node.
AWS_FOREIGN_ROOT_PRINCIPAL = replace(
    AWS_ROOT_PRINCIPAL,
    sub_resource=None,
    relationships=(RelSchema("RESOURCE", "AWSAccount", {"id": P("account_id")}, Direction.INWARD),),
)
AWS_FOREIGN_ACCOUNT = NodeSchema("AWSAccount", _props("id", "inscope", "foreign"))
AWS_SERVICE_PRINCIPAL = NodeSchema(
    "AWSServicePrincipal", _PRINCIPAL_PROPS, extra_labels=("AWSPrincipal", "ServiceAccount")
)
AWS_FEDERATED_PRINCIPAL = NodeSchema(
    "AWSFederatedPrincipal", _PRINCIPAL_PROPS, sub_resource=account_resource(), extra_labels=("AWSPrincipal",)
)
AWS_FEDERATED_PRINCIPAL_GLOBAL = replace(AWS_FEDERATED_PRINCIPAL, sub_resource=None)
# ``*`` and roles/users of accounts we do not collect: Cartography drops these trust edges; we keep them.
AWS_OTHER_PRINCIPAL = NodeSchema("AWSPrincipal", _PRINCIPAL_PROPS)

# -- users, groups, roles --------------------------------------------------------------------------------
_POLICIES = RelSchema("POLICY", "AWSPolicy", {"id": P("policy_ids")}, many=True)
_BOUNDARY = RelSchema("PERMISSIONS_BOUNDARY", "AWSPolicy", {"id": P("permissions_boundary_arn")})
_COMMON = {
    "id": P("id"),
    "arn": P("arn", index=True),
    # tags: ours, {key: value} JSON
    **_props("name", "path", ("createdate", TIME_TEXT), ("createdate_dt", TIME), ("tags", JSON)),
}

AWS_GROUP = NodeSchema(
    "AWSGroup",
    {**_COMMON, "groupid": P("groupid")},
    sub_resource=account_resource(),
    relationships=(_POLICIES,),
    extra_labels=("AWSPrincipal", "UserGroup"),
)
AWS_USER = NodeSchema(
    "AWSUser",
    {**_COMMON, "userid": P("userid", index=True), "permissions_boundary_arn": P("permissions_boundary_arn")},
    sub_resource=account_resource(),
    relationships=(
        _POLICIES,
        _BOUNDARY,
        RelSchema("MEMBER_AWS_GROUP", "AWSGroup", {"id": P("group_arns")}, many=True),
        RelSchema("MEMBER_OF", "AWSGroup", {"id": P("group_arns")}, many=True),  # Cartography's ontology edge
    ),
    extra_labels=("AWSPrincipal", "UserAccount"),
)
AWS_ROLE = NodeSchema(
    "AWSRole",
    {
        **_COMMON,
        "roleid": P("roleid", index=True),
        **_props("permissions_boundary_arn", ("trust_policy", JSON), ("lastused", TIME), "lastusedregion"),
    },
    sub_resource=account_resource(),
    relationships=(_POLICIES, _BOUNDARY),
    extra_labels=("AWSPrincipal", "PermissionRole"),
)
# Second pass over the same role rows once every trusted principal (other roles included) exists. Same
# label and properties, so the same fingerprint: the pass reports no change of its own.
AWS_ROLE_TRUST = replace(
    AWS_ROLE,
    relationships=(
        RelSchema("TRUSTS_AWS_PRINCIPAL", "AWSPrincipal", {"arn": P("trusted_aws_principals")}, many=True),
    ),
)
# Composite (list-users.json): console use, which get-account-authorization-details lacks.
AWS_USER_PASSWORD = NodeSchema(
    "AWSUser", _props("id", ("passwordlastused", TIME_TEXT), ("passwordlastused_dt", TIME))
)
# Composite (get-service-last-accessed-details/<name>.json) on any user/group/role: the whole report for
# unused-permission analysis, plus Cartography's most-recent-service properties.
AWS_PRINCIPAL_LAST_ACCESSED = NodeSchema(
    "AWSPrincipal",
    _props(
        "id",
        ("services_last_accessed", JSON),
        "last_accessed_service_name",
        "last_accessed_service_namespace",
        ("last_authenticated", TIME),
        "last_authenticated_entity",
        "last_authenticated_region",
    ),
)

AWS_INSTANCE_PROFILE = NodeSchema(
    "AWSInstanceProfile",
    {
        "id": P("id"),
        "arn": P("arn", index=True),
        **_props("instance_profile_id", "instance_profile_name", "path", ("createdate", TIME)),
    },
    sub_resource=account_resource(),
    relationships=(RelSchema("ASSOCIATED_WITH", "AWSRole", {"id": P("role_arns")}, many=True),),
)

# -- credentials -------------------------------------------------------------------------------------------
_KEY_USER = {"id": P("user_arn")}
AWS_ACCESS_KEY = NodeSchema(
    "AccountAccessKey",
    {
        "id": P("id"),
        "accesskeyid": P("accesskeyid", index=True),
        **_props(("createdate", TIME_TEXT), ("createdate_dt", TIME), "status", "user_arn"),
    },
    sub_resource=account_resource(),
    relationships=(
        RelSchema("AWS_ACCESS_KEY", "AWSUser", _KEY_USER, Direction.INWARD),
        RelSchema("OWNED_BY", "AWSUser", _KEY_USER),
    ),
    extra_labels=("AWSAccountAccessKey", "APIKey"),
)
# Composite (get-access-key-last-used/<key>.json).
AWS_ACCESS_KEY_LAST_USED = NodeSchema(
    "AccountAccessKey",
    _props(
        "id",
        ("lastuseddate", TIME_TEXT),
        ("lastuseddate_dt", TIME),
        "lastusedservice",
        "lastusedregion",
        "lastused_collected",  # true once a get-access-key-last-used answer was read: null date = never used
    ),
)
AWS_MFA_DEVICE = NodeSchema(
    "AWSMfaDevice",
    {
        "id": P("id"),
        "serialnumber": P("serialnumber", index=True),
        **_props("username", "user_arn", ("enabledate", TIME_TEXT), ("enabledate_dt", TIME)),
    },
    sub_resource=account_resource(),
    relationships=(RelSchema("MFA_DEVICE", "AWSUser", _KEY_USER, Direction.INWARD),),
    extra_labels=("MfaDevice",),
)

# Composite (get-account-summary) on the account node, like Cartography's AWSAccountSummarySchema.
AWS_ACCOUNT_SUMMARY = NodeSchema(
    "AWSAccount",
    _props(
        "id",
        "account_mfa_enabled",
        "account_access_keys_present",
        "account_signing_certificates_present",
        "mfa_devices",
        "mfa_devices_in_use",
        "users",
        "groups",
        "roles",
        "policies",
        "instance_profiles",
        "providers",
        "server_certificates",
        "policy_versions_in_use",
        "root_mfa_enabled",
        "root_access_keys_present",
    ),
)

# Composite (get-credential-report.json) on AWSUser: password and access-key use as the credential report
# states it. ``credential_report_at`` (GeneratedTime) marks the user as *collected*: without it a null
# ``password_last_used`` means "not collected", never "unused".
AWS_USER_CREDENTIAL_REPORT = NodeSchema(
    "AWSUser",
    _props(
        "id",
        ("credential_report_at", TIME),
        "password_enabled",
        ("password_last_used", TIME),
        ("password_last_changed", TIME),
        "access_key_1_active",
        ("access_key_1_last_rotated", TIME),
        ("access_key_1_last_used", TIME),
        "access_key_2_active",
        ("access_key_2_last_rotated", TIME),
        ("access_key_2_last_used", TIME),
    ),
)
