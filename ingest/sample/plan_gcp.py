"""The GCP part of a sample run: `gcp.gcp_days` files merged into each day, its facts in the manifest.

Adds to the manifest (planted.json), in the shapes of the AWS and Kubernetes parts (see
docs/sample-environment.md): planted items and decoys with ``layer: "gcp"`` and ``scope`` = the organization
number, the day-2 creep gain (user:eve@example.com becomes owner on the folder, inherited by every project
below it) and its drift (one GCPPolicyBinding added, APPLIES_TO the folder). Asset ids are the graph ids of
docs/schema/gcp.md.
"""

from __future__ import annotations

from typing import Any

from ingest.sample.context import Files, Manifest
from ingest.sample.gcp import gcp_days

_CRM = "//cloudresourcemanager.googleapis.com/"
EVE = "user:eve@example.com"


def add_gcp(day_files: list[Files], manifest: Manifest, projects: int, seed: int) -> dict[str, Any]:
    """Merge the GCP files into ``day_files`` (one map per day), record the facts; returns the manifest's
    ``gcp`` section."""
    gcp_files, facts = gcp_days(projects, len(day_files), seed)
    for files, extra in zip(day_files, gcp_files, strict=True):
        files.update(extra)
    org = facts["organization"]
    _plant(manifest, facts, org, days=len(day_files))
    return {
        "scope": org,
        "organization": f"organizations/{org}",
        "folder": facts["folder"],
        "projects": [
            {"project_id": p, "project_number": facts["project_numbers"][p]} for p in facts["projects"]
        ],
    }


_ORG_GAPS = {
    "gcp_org_public_access_prevention_not_enforced": "storage.publicAccessPrevention is not set.",
    "gcp_org_service_account_key_creation_allowed": "iam.disableServiceAccountKeyCreation is not set.",
    "gcp_org_sql_authorized_networks_not_restricted": "sql.restrictAuthorizedNetworks is not set.",
    "gcp_org_vm_external_ip_not_restricted": "compute.vmExternalIpAccess is not set.",
    "gcp_org_default_network_creation_not_skipped": "compute.skipDefaultNetworkCreation is not set.",
}
_ORG_SET = {
    "gcp_org_domain_restricted_sharing_off": "iam.allowedPolicyMemberDomains allows customer C0sampl3x only.",
    "gcp_org_uniform_bucket_level_access_not_enforced": "storage.uniformBucketLevelAccess is enforced.",
}


def _plant_org_policies(m: Manifest, org: str) -> None:
    name = f"organizations/{org}"
    for kind, text in _ORG_GAPS.items():
        m.plant(
            f"gcp-{kind.removeprefix('gcp_').replace('_', '-')}",
            kind,
            "gcp",
            org,
            name,
            "sample.example",
            text,
        )
    for kind, text in _ORG_SET.items():
        m.decoy(
            f"decoy-gcp-{kind.removeprefix('gcp_').replace('_', '-')}",
            kind,
            "gcp",
            org,
            name,
            "sample.example",
            text,
        )


def _plant(m: Manifest, facts: dict[str, Any], org: str, days: int) -> None:
    _plant_org_policies(m, org)
    p0 = facts["projects"][0]
    fw = f"projects/{p0}/global/firewalls"
    bastion = facts["open_ssh_instance"]
    sa, jewels = facts["service_account"], facts["crown_jewels_bucket"]
    m.plant(
        "gcp-bucket-public",
        "gcp_storage_bucket_public_iam",
        "gcp",
        org,
        facts["public_bucket"],
        facts["public_bucket"],
        "roles/storage.objectViewer for allUsers; publicAccessPrevention inherited (not enforced).",
    )
    m.plant(
        "gcp-firewall-ssh-open",
        "gcp_compute_firewall_ssh_open_to_internet",
        "gcp",
        org,
        f"{fw}/allow-ssh",
        "allow-ssh",
        "INGRESS allow tcp:22 from 0.0.0.0/0 to instances tagged ssh (enabled, priority 1000).",
    )
    m.plant(
        "gcp-instance-internet-ssh",
        "gcp_compute_instance_admin_port_reachable_from_internet",
        "gcp",
        org,
        bastion,
        "bastion",
        "External IP on nic0, tagged ssh: allow-ssh opens tcp:22 to it from 0.0.0.0/0.",
    )
    m.plant(
        "gcp-sa-user-managed-key",
        "gcp_iam_service_account_user_managed_key",
        "gcp",
        org,
        facts["service_account_id"],
        sa,
        f"A USER_MANAGED key ({facts['service_account_key']}) of the service account the internet-exposed "
        "bastion runs as.",
    )
    m.plant(
        "gcp-usage-sa-key-unused",
        "usage_gcp_service_account_key_unused",
        "gcp",
        org,
        facts["service_account_key"],
        sa,
        "The user-managed key last authenticated 200 days before day 1 (Activity Analyzer).",
    )
    xlayer = m.plant(
        "gcp-xlayer-internet-to-bucket",
        "cross_layer_internet_to_data",
        "gcp",
        org,
        bastion,
        "bastion",
        "bastion (tcp:22 open to the internet) runs as its project's app service account with the "
        "cloud-platform scope; that account has roles/storage.objectViewer on the crown-jewel bucket.",
    )
    xlayer["path"] = [
        {"type": "GCPFirewall", "id": f"{fw}/allow-ssh", "name": "allow-ssh"},
        {"type": "GCPInstance", "id": bastion, "name": "bastion"},
        {"type": "GCPServiceAccount", "id": facts["service_account_id"], "name": sa},
        {"type": "GCPBucket", "id": jewels, "name": jewels},
    ]
    m.decoy(
        "decoy-gcp-bucket-private",
        "gcp_storage_bucket_public_iam",
        "gcp",
        org,
        jewels,
        jewels,
        "Only the project's service account may read it (no allUsers / allAuthenticatedUsers binding).",
    )
    m.decoy(
        "decoy-gcp-firewall-rdp-disabled",
        "gcp_compute_firewall_rdp_open_to_internet",
        "gcp",
        org,
        f"{fw}/allow-rdp-off",
        "allow-rdp-off",
        "Allows tcp:3389 from 0.0.0.0/0 to tag ssh, but the rule is disabled.",
    )
    m.decoy(
        "decoy-gcp-firewall-deny",
        "gcp_compute_firewall_ssh_open_to_internet",
        "gcp",
        org,
        f"{fw}/deny-telnet",
        "deny-telnet",
        "A DENY rule (tcp:23 from 0.0.0.0/0): it opens nothing.",
    )
    if len(facts["projects"]) > 1:
        p1 = facts["projects"][1]
        m.decoy(
            "decoy-gcp-firewall-ssh-restricted",
            "gcp_compute_firewall_ssh_open_to_internet",
            "gcp",
            org,
            f"projects/{p1}/global/firewalls/allow-ssh",
            "allow-ssh",
            "Allows tcp:22 only from 203.0.113.0/24, not from the internet.",
        )
        m.decoy(
            "decoy-gcp-instance-no-external-ip",
            "gcp_compute_instance_admin_port_reachable_from_internet",
            "gcp",
            org,
            f"projects/{p1}/zones/us-central1-a/instances/bastion",
            "bastion",
            "Tagged ssh but without an external IP; its SSH rule admits 203.0.113.0/24 only.",
        )
    if days < 2:
        return
    owner = facts["inherited_owner"]
    binding = f"{_CRM}{owner['on']}_roles/owner"
    m.plant(
        "gcp-iam-owner-inherited-from-folder",
        "gcp_iam_basic_role_granted_to_user",
        "gcp",
        org,
        binding,
        f"roles/owner on {owner['on']}",
        f"Day 2: {EVE} is granted roles/owner on the folder, so owner of every project below it.",
        day_from=2,
    )
    m.creep[0]["gains"].append(
        {
            "layer": "gcp",
            "scope": org,
            "principal": EVE,
            "principal_name": EVE,
            "gained": "roles/owner",
            "via": f"binding on {owner['on']}, inherited by projects "
            + ", ".join(f"projects/{p}" for p in facts["projects"]),
        }
    )
    m.drift[0]["added"].append(
        {
            "layer": "gcp",
            "scope": org,
            "asset_type": "GCPPolicyBinding",
            "asset_id": binding,
            "asset_name": f"roles/owner on {owner['on']}",
        }
    )
    m.drift[0]["relationships"].append(
        {"change": "added", "type": "APPLIES_TO", "from": binding, "to": owner["on"]}
    )
