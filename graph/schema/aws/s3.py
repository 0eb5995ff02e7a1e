"""S3 buckets and their ACL grants (Cartography's S3Bucket / S3Acl, with the current AWSS3* labels too).

Bucket details come from per-bucket files. Like Cartography, each detail file feeds a composite schema (same
label, ``id`` plus that file's properties, no owner, never swept) loaded only for the buckets whose file
exists: an absent file means "not collected" and leaves those properties as they were, while a file saying
"none exists" (``{}``, see docs/snapshot-format.md) sets them to their empty values.
"""

from __future__ import annotations

from graph.schema.model import TIME_TEXT, Direction, NodeSchema, P, RelSchema, account_resource

_LABELS = ("AWSS3Bucket", "ObjectStorage")
S3_BUCKET = NodeSchema(
    "S3Bucket",
    {
        "id": P("id"),
        "name": P("name"),
        "arn": P("arn", index=True),
        "creationdate": P("creationdate", kind=TIME_TEXT),
    },
    sub_resource=account_resource(),
    extra_labels=_LABELS,
)
_DETAIL_PROPS = {
    "location": ("region",),
    "policy": ("policy", "anonymous_access", "anonymous_actions"),
    "acl": ("acl_grants_all_users", "acl_grants_authenticated_users"),
    "public_access_block": (
        "block_public_acls",
        "ignore_public_acls",
        "block_public_policy",
        "restrict_public_buckets",
    ),
    "encryption": ("default_encryption", "encryption_algorithm", "encryption_key_id", "bucket_key_enabled"),
}
S3_BUCKET_DETAILS = {
    group: NodeSchema("S3Bucket", {"id": P("id"), **{p: P(p) for p in props}}, extra_labels=_LABELS)
    for group, props in _DETAIL_PROPS.items()
}

S3_ACL = NodeSchema(
    "S3Acl",
    {
        "id": P("id"),
        **{k: P(k) for k in ("owner", "ownerid", "type", "displayname", "granteeid", "uri", "permission")},
    },
    sub_resource=account_resource(),
    relationships=(RelSchema("APPLIES_TO", "S3Bucket", {"id": P("buckets")}, Direction.OUTWARD, many=True),),
    extra_labels=("AWSS3Acl",),
)
