"""get-account-summary → root-credential and count properties on the existing AWSAccount node.

Like Cartography's AWSAccountSummarySchema: a schema with only these properties, merged onto the node the
account module created, never cleaned up. ``root_*`` are booleans for readable controls.
"""

from __future__ import annotations

from typing import Any

from graph.schema.aws.iam import AWS_ACCOUNT_SUMMARY
from ingest.aws.regional import sync_aws
from ingest.core import ModuleResult, RunContext, Transformed
from ingest.module import Module, Scope
from ingest.sources.snapshot import Snapshot

# Cartography's property name → SummaryMap key.
_FIELDS = {
    "account_mfa_enabled": "AccountMFAEnabled",
    "account_access_keys_present": "AccountAccessKeysPresent",
    "account_signing_certificates_present": "AccountSigningCertificatesPresent",
    "mfa_devices": "MFADevices",
    "mfa_devices_in_use": "MFADevicesInUse",
    "users": "Users",
    "groups": "Groups",
    "roles": "Roles",
    "policies": "Policies",
    "instance_profiles": "InstanceProfiles",
    "providers": "Providers",
    "server_certificates": "ServerCertificates",
    "policy_versions_in_use": "PolicyVersionsInUse",
}


def transform(summary: dict[str, Any], account: str) -> Transformed:
    values = summary.get("SummaryMap") or {}
    row: dict[str, Any] = {"id": account, **{prop: values.get(key) for prop, key in _FIELDS.items()}}
    mfa, keys = values.get("AccountMFAEnabled"), values.get("AccountAccessKeysPresent")
    row["root_mfa_enabled"] = None if mfa is None else mfa == 1
    row["root_access_keys_present"] = None if keys is None else keys == 1
    return Transformed({AWS_ACCOUNT_SUMMARY: [row]})


def sync(snap: Snapshot, ctx: RunContext, scope: Scope) -> ModuleResult:
    account = scope.owner
    return sync_aws(
        MODULE,
        snap,
        ctx,
        scope,
        lambda: snap.aws(account, "global", "iam", "get-account-summary"),
        lambda raw: transform(raw, account),
        (AWS_ACCOUNT_SUMMARY,),
    )


MODULE = Module("aws", "iam.account_summary", sync, (AWS_ACCOUNT_SUMMARY,))
