"""AWS KMS keys: Cartography's AWSKMSKey (extra labels KMSKey, EncryptionKey), id = KeyId.

Cartography's properties keep its names (dates as epoch seconds, anonymous_access / anonymous_actions from
the key policy via policyuniverse). Ours on top: ``key_spec``, ``multi_region``, the rotation status
(``key_rotation_enabled``, ``rotation_period_in_days``; null where AWS has no automatic rotation) and the
key ``policy`` document, which Cartography reads but does not store.
"""

from __future__ import annotations

from graph.schema.aws.regional import regional_node
from graph.schema.model import JSON, SET, P, props

KMS_KEY = regional_node(
    "AWSKMSKey",
    {
        "id": P("id"),
        "arn": P("arn", index=True),
        "key_id": P("key_id", index=True),
        **props(
            "description",
            "enabled",
            "key_state",
            "key_usage",
            "key_manager",
            "origin",
            "creation_date",
            "deletion_date",
            "valid_to",
            "custom_key_store_id",
            "cloud_hsm_cluster_id",
            "expiration_model",
            "customer_master_key_spec",
            ("encryption_algorithms", SET),
            ("signing_algorithms", SET),
            "anonymous_access",
            ("anonymous_actions", SET),
            "key_spec",
            "multi_region",
            "key_rotation_enabled",
            "rotation_period_in_days",
            ("policy", JSON),
        ),
    },
    extra_labels=("KMSKey", "EncryptionKey"),
)
