"""The Azure part of a sample run: `azure.azure_days` files merged into each day, its facts in the manifest.

Planted items and decoys carry ``layer: "azure"``, ``scope`` = the subscription id (the tenant id for the
guest) and ``asset_id`` = the graph id of docs/schema/azure.md (lower-cased ARM ids), so a test can match
them against control findings. The day-2 Owner assignment on ``mg-contoso`` is described in the manifest's
``azure`` section (``creep``) and is one ``creep`` gain per subscription (layer ``azure``, ``scope`` = the
subscription, ``principal`` = carol's object id): the privileges step reports it as inherited by each.
"""

from __future__ import annotations

from typing import Any

from ingest.sample.azure import azure_days
from ingest.sample.context import Files, Manifest

_ROLE = "/providers/microsoft.authorization/roledefinitions/"


def add_azure(day_files: list[Files], manifest: Manifest, subscriptions: int, seed: int) -> dict[str, Any]:
    """Merge the Azure files into ``day_files`` (one map per day), record the plants; returns the manifest's
    ``azure`` section."""
    azure_files, facts = azure_days(subscriptions, len(day_files), seed)
    for files, extra in zip(day_files, azure_files, strict=True):
        files.update(extra)
    p, sub = facts["plants"], facts["plants"]["subscription"]
    rg = f"/subscriptions/{sub}/resourcegroups/{p['rg']}"
    storage = f"{rg}/providers/microsoft.storage/storageaccounts/{p['storage']}"
    plants = [
        (
            "azure_storage_account_blob_public_access_enabled",
            storage,
            p["storage"],
            "anonymous blob access allowed",
        ),
        ("azure_storage_account_https_not_required", storage, p["storage"], "HTTP accepted"),
        ("azure_storage_account_minimum_tls_below_1_2", storage, p["storage"], "TLS 1.0 accepted"),
        (
            "azure_storage_account_shared_key_access_enabled",
            storage,
            p["storage"],
            "shared keys allowed (unset)",
        ),
        ("azure_storage_account_default_network_access_allow", storage, p["storage"], "all networks allowed"),
        (
            "azure_network_nsg_ssh_open_to_internet",
            p["nsg"].lower(),
            "nsg-web",
            "SSH from Internet at priority 100",
        ),
        ("azure_vm_public_ip", p["vm"].lower(), "web-1", "public IP on web-1"),
        (
            "azure_sql_server_firewall_allows_all",
            p["sql"].lower(),
            p["sql"].rsplit("/", 1)[-1],
            "AllowAll rule",
        ),
        (
            "azure_keyvault_purge_protection_disabled",
            p["kv"].lower(),
            p["kv"].rsplit("/", 1)[-1],
            "no purge protection",
        ),
        (
            "azure_keyvault_public_network_access_enabled",
            p["kv"].lower(),
            p["kv"].rsplit("/", 1)[-1],
            "open vault",
        ),
        (
            "azure_aks_cluster_api_public_unrestricted",
            p["aks"].lower(),
            p["aks"].rsplit("/", 1)[-1],
            "public API",
        ),
        (
            "azure_aks_cluster_local_accounts_enabled",
            p["aks"].lower(),
            p["aks"].rsplit("/", 1)[-1],
            "local accounts",
        ),
        (
            "azure_iam_custom_role_wildcard_actions",
            _ROLE + p["custom"],
            "Ops Break Glass",
            "custom role with *",
        ),
    ]
    for kind, asset_id, name, text in plants:
        manifest.plant(
            f"azure-{kind.removeprefix('azure_').replace('_', '-')}", kind, "azure", sub, asset_id, name, text
        )
    bob = facts["users"]["bob"]
    manifest.plant(
        "azure-guest-uaa", "azure_iam_guest_with_privileged_role", "azure", facts["tenant"], bob,
        "bob_fabrikam.example#EXT#@contoso.onmicrosoft.com", "guest with User Access Administrator",
    )  # fmt: skip
    jump = p["nsg"].lower().replace("nsg-web", "nsg-jump")
    manifest.decoy(
        "azure-nsg-ssh-shadowed", "azure_network_nsg_ssh_open_to_internet", "azure", sub, jump, "nsg-jump",
        "SSH allow at 200 shadowed by the Internet deny at 100",
    )  # fmt: skip
    carol = facts["users"]["carol"]
    if manifest.creep:  # day 1 -> day 2 exists
        manifest.creep[0]["gains"] += [
            {
                "layer": "azure",
                "scope": s,
                "principal": carol,
                "principal_name": "carol@contoso.com",
                "gained": "Owner",
                "via": "role assignment on management group mg-contoso, inherited by the subscription",
            }
            for s in facts["subscriptions"]
        ]
    return {
        "tenant": facts["tenant"],
        "subscriptions": facts["subscriptions"],
        "creep": {
            "day_from": 2,
            "principal": facts["users"]["carol"],
            "role": "Owner",
            "scope": "/providers/Microsoft.Management/managementGroups/mg-contoso",
            "inherited_by": facts["subscriptions"],
        },
    }
