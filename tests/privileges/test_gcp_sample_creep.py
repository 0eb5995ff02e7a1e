"""The generated sample with GCP (`generate(..., gcp_projects=2)`), every day ingested: the planted GCP facts
load and the privileges step finds exactly the planted GCP creep (eve, owner on the folder from day 2)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis.privileges.creep import creep, show
from analysis.privileges.steps import STEP as PRIVILEGES_STEP
from graph import driver
from history import post_ingest
from ingest import registry
from ingest.sample import generate
from pipeline.run import ingest_snapshot

LABELS = {
    "gcp-bucket-public": "GCPBucket",
    "gcp-firewall-ssh-open": "GCPFirewall",
    "gcp-instance-internet-ssh": "GCPInstance",
    "gcp-sa-user-managed-key": "GCPServiceAccount",
    "gcp-usage-sa-key-unused": "GCPServiceAccountKey",
    "gcp-xlayer-internet-to-bucket": "GCPInstance",
    "gcp-iam-owner-inherited-from-folder": "GCPPolicyBinding",
    "decoy-gcp-bucket-private": "GCPBucket",
    "decoy-gcp-firewall-rdp-disabled": "GCPFirewall",
    "decoy-gcp-firewall-deny": "GCPFirewall",
    "decoy-gcp-firewall-ssh-restricted": "GCPFirewall",
    "decoy-gcp-instance-no-external-ip": "GCPInstance",
    # organization-policy gaps and settings: the finding's asset is the organization
    "gcp-org-public-access-prevention-not-enforced": "GCPOrganization",
    "gcp-org-service-account-key-creation-allowed": "GCPOrganization",
    "gcp-org-sql-authorized-networks-not-restricted": "GCPOrganization",
    "gcp-org-vm-external-ip-not-restricted": "GCPOrganization",
    "gcp-org-default-network-creation-not-skipped": "GCPOrganization",
    "decoy-gcp-org-domain-restricted-sharing-off": "GCPOrganization",
    "decoy-gcp-org-uniform-bucket-level-access-not-enforced": "GCPOrganization",
}


@pytest.fixture()
def gcp_only(neo4j: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """GCP modules and the privileges step only: AWS / Kubernetes / exposure work must not interfere."""
    monkeypatch.setattr(registry, "aws_modules", lambda: [])
    monkeypatch.setattr(registry, "k8s_modules", lambda: [])
    monkeypatch.setattr(post_ingest, "STEPS", [PRIVILEGES_STEP])
    yield neo4j


def _exists(label: str, node_id: str) -> bool:
    return bool(driver.read(f"MATCH (n:{label} {{id: $id}}) RETURN n.id AS id", {"id": node_id}))


def test_sample_gcp_creep_and_facts(gcp_only: str, tmp_path: Path) -> None:
    manifest = generate(tmp_path, accounts=1, clusters=0, scale=0.1, days=3, gcp_projects=2)
    assert json.loads((tmp_path / "planted.json").read_text()) == manifest
    gcp = manifest["gcp"]
    org, folder = gcp["scope"], gcp["folder"]
    runs = []
    for day in manifest["days"]:
        report = ingest_snapshot(tmp_path / day["folder"])
        assert {m.status.value for m in report.modules} == {"ok"}, [m.errors for m in report.modules]
        runs.append(report.run_id)

    items = [i for i in manifest["planted"] + manifest["decoys"] if i["layer"] == "gcp"]
    assert {i["id"] for i in items} == set(LABELS)
    for item in items:
        assert _exists(LABELS[item["id"]], item["asset_id"]), item["id"]
    planted = {i["id"]: i for i in items}
    assert driver.read(
        "MATCH (:GCPPolicyBinding {is_public: true})-[:APPLIES_TO]->(k:GCPBucket) RETURN collect(k.id) AS ids"
    )[0]["ids"] == [planted["gcp-bucket-public"]["asset_id"]]
    hops = planted["gcp-xlayer-internet-to-bucket"]["path"]
    assert driver.read(
        "MATCH (i:GCPInstance {id: $i})-[:RUNS_AS]->(s:GCPServiceAccount {id: $s}) "
        "RETURN i.public_ip IS NOT NULL AS public",
        {"i": hops[1]["id"], "s": hops[2]["id"]},
    ) == [{"public": True}]

    # Creep day 1 -> 2: exactly the planted GCP gain, readable and inherited; nothing after day 2.
    gains = [g for c in manifest["creep"] if c["from_day"] == 1 for g in c["gains"] if g["layer"] == "gcp"]
    got = creep(runs[0], runs[1])["principals"]
    assert [p["id"] for p in got] == [f"{g['scope']}/{g['principal']}" for g in gains]
    eve: dict[str, Any] = got[0]
    assert (eve["status"], eve["admin_before"], eve["admin_after"], eve["lost"]) == ("added", False, True, [])
    assert f"roles/owner on {folder}" in eve["gained"]
    for p in gcp["projects"]:
        assert f"roles/owner on projects/{p['project_id']} (via {folder})" in eve["gained"]
    assert creep(runs[1], runs[2])["principals"] == []

    # Day-1 facts the other planted items rely on.
    app = show(f"{org}/serviceAccount:{hops[2]['name']}")
    assert app["entries"] == [f"roles/storage.objectViewer on buckets/{hops[3]['id']}"] and not app["admin"]
    assert show(f"{org}/allUsers")["escalations"] == ["public-member"]
