"""GCP exposure on the hand-written GCP day-1 snapshot, ingested for real (exposure runs as the post-ingest
step): EXPECTED.json's exposed assets with their ports, the decoys, and the privilege path
internet → bastion-1 → app-runner → acme-crown-jewels through analysis.exposure.paths and the HTTP API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from analysis.exposure.paths import find_paths
from graph import driver
from tests.exposure.conftest import ingest_and_compute

ROOT = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten-gcp"
EXPECTED = json.loads((ROOT / "EXPECTED.json").read_text())
BASTION = "projects/acme-prod/zones/us-central1-a/instances/bastion-1"
APP_RUNNER = "104857392017465839201"
JEWELS = "acme-crown-jewels"
SQL = "https://sqladmin.googleapis.com/sql/v1beta4/projects/acme-prod/instances/orders-db"
GKE = "https://container.googleapis.com/v1/projects/acme-prod/locations/us-central1/clusters/prod-gke"


@pytest.fixture(scope="module")
def loaded(neo4j_uri: str) -> Iterator[dict[str, Any]]:
    yield ingest_and_compute(ROOT / "day1")


def _exposed() -> dict[str, dict[str, Any]]:
    rows = driver.read(
        "MATCH (r:ExposureRun {latest: true}) MATCH (n:ExposedAsset {run_id: r.run_id}) "
        "RETURN n.node_id AS id, n.label AS label, n.account AS account, n.ports AS ports, "
        "n.exposure_types AS types, n.reasons AS reasons, n.weight AS weight"
    )
    return {r["id"]: r for r in rows}


def test_exactly_the_expected_assets_are_exposed_with_their_ports(loaded: dict[str, Any]) -> None:
    exposed = _exposed()
    expected = {e["id"]: e for e in EXPECTED["exposed_assets"]}
    assert set(exposed) == set(expected), set(exposed) ^ set(expected)
    for asset_id, e in expected.items():
        assert exposed[asset_id]["label"] == e["label"]
        if "ports" in e:
            assert exposed[asset_id]["ports"] == [f"{p}/tcp" for p in e["ports"]], asset_id
        assert all(exposed[asset_id]["reasons"]), asset_id
        assert exposed[asset_id]["account"] == "acme-prod", asset_id
    assert {i: exposed[i]["types"] for i in expected} == {
        "acme-public-site": ["gcs-public-iam"],
        BASTION: ["direct"],
        SQL: ["direct"],
        GKE: ["gke-endpoint"],
    }
    assert exposed[GKE]["weight"] == 0.6 and exposed[BASTION]["weight"] == 1.0


def test_reasons_name_the_firewall_ip_and_settings(loaded: dict[str, Any]) -> None:
    exposed = _exposed()
    bastion = exposed[BASTION]["reasons"][0]
    for part in (
        "34.123.45.67",
        "nic0",
        "allow-ssh-from-anywhere",
        "priority 1000",
        "target tag ssh",
        "22/tcp",
    ):
        assert part in bastion, bastion
    # The disabled RDP rule and the deny rule for tag legacy play no part.
    assert "allow-rdp-disabled" not in bastion and "deny-ssh-legacy" not in bastion
    sql = exposed[SQL]["reasons"][0]
    assert "35.192.10.20" in sql and "0.0.0.0/0" in sql and "5432" in sql
    bucket = exposed["acme-public-site"]["reasons"][0]
    assert "allUsers" in bucket and "roles/storage.objectViewer" in bucket and "'inherited'" in bucket
    gke = exposed[GKE]["reasons"][0]
    assert "35.202.118.40" in gke and "master authorized networks disabled" in gke


def test_no_decoy_is_exposed_and_inventory_marks_agree(loaded: dict[str, Any]) -> None:
    exposed = _exposed()
    for d in EXPECTED["decoys"]:
        assert d["id"] not in exposed, d
        assert not any(d["id"] in r for e in exposed.values() for r in e["reasons"]), d
    marked = {
        r["id"]: r["t"]
        for r in driver.read(
            "MATCH (n) WHERE n.invgraph_exposed = true RETURN n.id AS id, n.invgraph_exposure_types AS t"
        )
    }
    assert marked == {i: e["types"] for i, e in exposed.items()}


def test_privilege_path_bastion_to_crown_jewels(loaded: dict[str, Any]) -> None:
    page = find_paths(target=JEWELS)
    assert page["paths"], page
    best = page["paths"][0]
    assert [n["id"] for n in best["nodes"]] == ["internet", BASTION, APP_RUNNER, JEWELS]
    assert [h["type"] for h in best["hops"]] == ["internet", "runs-as", "data-access"]
    runs_as, data = best["hops"][1:]
    assert "app-runner@acme-prod.iam.gserviceaccount.com" in runs_as["reason"]
    assert "cloud-platform" in runs_as["reason"]
    assert "roles/storage.objectViewer" in data["reason"] and data["access"] == "read"
    assert best["nodes"][-1]["crown_jewel"] and best["nodes"][-1]["sensitivity"] == 0.8
    assert best["nodes"][2]["account"] == "acme-prod"
    # 100 × 1.0 (public VM) × 0.9² (two more hops) × 0.6 (read) × 0.8 (bucket)
    assert best["score"] == pytest.approx(38.9)
    # Bob's conditional storage.admin is a user, not something an attacker on the VM holds.
    assert not any("bob" in h["reason"] for p in page["paths"] for h in p["hops"])


def test_public_bucket_and_database_rank_as_crown_jewels(loaded: dict[str, Any]) -> None:
    targets = {p["target"]: p for p in find_paths(account="acme-prod")["paths"]}
    assert {"acme-public-site", SQL, JEWELS} <= set(targets)
    assert targets[SQL]["nodes"][-1]["sensitivity"] == 0.9
    # Anonymous read of a public bucket counts as read: 100 × 1.0 × 0.6 × 0.8.
    assert targets["acme-public-site"]["score"] == pytest.approx(48.0)


def test_api_assets_and_paths(loaded: dict[str, Any], api: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = api
    r = client.get("/api/v1/exposure/assets", params={"account": "acme-prod"}, headers=auth)
    assert r.status_code == 200, r.text
    assets = {a["id"]: a for a in r.json()["assets"]}
    assert set(assets) == {e["id"] for e in EXPECTED["exposed_assets"]}
    assert assets[BASTION]["ports"] == ["22/tcp"] and assets[SQL]["ports"] == ["5432/tcp"]
    r = client.get("/api/v1/exposure/assets", params={"type": "gke-endpoint"}, headers=auth)
    assert [a["id"] for a in r.json()["assets"]] == [GKE]
    r = client.get("/api/v1/exposure/paths", params={"target": JEWELS}, headers=auth)
    assert r.status_code == 200, r.text
    path = r.json()["paths"][0]
    assert [n["id"] for n in path["nodes"]] == ["internet", BASTION, APP_RUNNER, JEWELS]
    assert [h["type"] for h in path["hops"]] == ["internet", "runs-as", "data-access"]
    assert all(h["reason"] for h in path["hops"])
    r = client.get("/api/v1/exposure/paths", params={"label": "GCPBucket"}, headers=auth)
    assert r.status_code == 200 and {p["target"] for p in r.json()["paths"]} == {"acme-public-site", JEWELS}


def test_summary_times_the_gcp_phase(loaded: dict[str, Any]) -> None:
    summary = loaded["summary"]
    assert summary.exposed == 4 and "gcp" in summary.phases
    print(f"exposure on handwritten-gcp: {summary.seconds:.3f}s, phases {summary.phases}")


def test_a_gcp_label_marks_a_crown_jewel(loaded: dict[str, Any]) -> None:
    """INVGRAPH_CROWN_JEWEL_TAG matches GCP user labels: with only the tag rule (no crown-jewel labels), the
    bucket labelled data-class=restricted in resource.json is a crown jewel, the unlabelled public one not."""
    from analysis.exposure import compute
    from config import ExposureSettings

    raw = json.loads((ROOT / "day1" / "gcp" / "734561238901" / "cloudasset" / "resource.json").read_text())
    labelled = {
        a["resource"]["data"]["name"]
        for a in raw
        if a["assetType"] == "storage.googleapis.com/Bucket"
        and (a["resource"]["data"].get("labels") or {}).get("data-class") == "restricted"
    }
    assert labelled == {JEWELS}
    summary = compute(
        settings=ExposureSettings(crown_jewel_labels=(), crown_jewel_tag="data-class=restricted")
    )
    rows = driver.read(
        "MATCH (n:ExposureNode {run_id: $run}) WHERE n.label = 'GCPBucket' "
        "RETURN n.node_id AS id, n.crown_jewel AS crown, n.crown_reason AS why",
        {"run": summary.run_id},
    )
    crowns = {r["id"]: (r["crown"], r["why"]) for r in rows}
    assert crowns[JEWELS] == (True, "tag data-class=restricted")
    assert crowns["acme-public-site"][0] is False
    compute()  # leave the default computation as the latest for the tests below
