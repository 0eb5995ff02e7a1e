"""Secrets Manager secrets (Cartography's SecretsManagerSecret; dates as epoch seconds like Cartography)."""

from __future__ import annotations

from graph.schema.aws.regional import regional_node
from graph.schema.model import JSON, P, props

SECRETS_MANAGER_SECRET = regional_node(
    "SecretsManagerSecret",
    {
        "id": P("id"),
        "arn": P("arn", index=True),
        "name": P("name", index=True),
        **{
            **props(
                "description",
                "rotation_enabled",
                "rotation_lambda_arn",
                "rotation_rules_automatically_after_days",
                "created_date",
                "last_rotated_date",
                "last_changed_date",
                "last_accessed_date",
                "deleted_date",
                "kms_key_id",
                "owning_service",
                "primary_region",
                ("tags", JSON),  # ours: {key: value} JSON
            )
        },
    },
    extra_labels=("AWSSecretsManagerSecret", "Secret"),
)
