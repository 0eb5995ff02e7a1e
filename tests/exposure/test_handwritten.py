"""Exposure on the hand-written day-1 snapshot, ingested for real: EXPECTED.json's exposed assets,
decoys and cross-layer path; API and CLI over the same run; the request time limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from analysis.exposure import top_exposed_assets
from analysis.exposure.paths import find_paths
from api.deps import get_exposure_settings
from cli.exposure_cmd import app as exposure_cli
from config import ExposureSettings
from graph import driver
from tests.exposure.conftest import ingest_and_compute

ROOT = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten"
EXPECTED = json.loads((ROOT / "EXPECTED.json").read_text())


def _day1(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if "day1" in i.get("days", ["day1"])]


@pytest.fixture(scope="module")
def loaded(neo4j_uri: str) -> Iterator[dict[str, Any]]:
    yield ingest_and_compute(ROOT / "day1")


def _exposed() -> dict[str, dict[str, Any]]:
    rows = driver.read(
        "MATCH (r:ExposureRun {latest: true}) MATCH (n:ExposedAsset {run_id: r.run_id}) "
        "RETURN n.node_id AS id, n.ports AS ports, n.exposure_types AS types, n.reasons AS reasons"
    )
    return {r["id"]: r for r in rows}


def test_exactly_the_expected_assets_are_exposed_with_their_ports(loaded: dict[str, Any]) -> None:
    exposed = _exposed()
    expected = {e["id"]: e for e in _day1(EXPECTED["exposed_assets"])}
    assert set(exposed) == set(expected), set(exposed) ^ set(expected)
    for asset_id, e in expected.items():
        if "ports" in e:
            assert {int(p.split("/")[0]) for p in exposed[asset_id]["ports"]} == set(e["ports"]), asset_id
        assert all(exposed[asset_id]["reasons"]), asset_id


def test_no_decoy_is_exposed_and_inventory_marks_agree(loaded: dict[str, Any]) -> None:
    exposed = _exposed()
    for d in _day1(EXPECTED["decoys"]):
        if d["must_not_be"] in ("exposed", "public"):
            assert d["id"] not in exposed, d
    # app-private is exposed only through the ALB, on 8080, never on 22 via a public IP.
    app_private = exposed["i-0c56b2d3e4f506172"]
    assert app_private["types"] == ["elb"] and app_private["ports"] == ["8080/tcp"]
    marked = {r["id"] for r in driver.read("MATCH (n) WHERE n.invgraph_exposed = true RETURN n.id AS id")}
    assert marked == set(exposed)


def test_nacl_reason_and_lb_hop_are_explained(loaded: dict[str, Any]) -> None:
    bastion = _exposed()["i-0b45a1c2d3e4f5061"]["reasons"][0]
    for part in (
        "54.210.33.17",
        "sg-0b1b2b3b4b5b6b7b8",
        "rtb-01a2b3c4d5e6f7081",
        "igw-0e5f6a7b8c9d0e1f2",
        "NACL",
    ):
        assert part in bastion
    page = find_paths(target="i-0c56b2d3e4f506172", settings=ExposureSettings(crown_jewel_ids=()))
    hops = page["paths"][0]["hops"]
    assert [h["type"] for h in hops] == ["internet", "lb-target"] and "8080" in hops[1]["reason"]


def test_cross_layer_path_to_crown_jewels(loaded: dict[str, Any]) -> None:
    spec = EXPECTED["cross_layer_path"]
    want = [n["id"] for n in spec["nodes"]]
    page = find_paths(target=want[-1])
    assert page["paths"], page
    best = page["paths"][0]
    assert [n["id"] for n in best["nodes"]] == want
    assert [h["type"] for h in best["hops"]] == ["internet", "k8s-route", "runs-as", "runs-as", "data-access"]
    assert (
        "payments-data-access" in best["hops"][-1]["reason"]
        and "s3:getobject" in best["hops"][-1]["reason"].lower()
    )
    secret = find_paths(target=spec["alternate_terminal"]["id"])["paths"][0]
    assert [n["id"] for n in secret["nodes"]][:-1] == want[:-1]
    # The default request (all crown jewels) ranks both, with the secret (sensitivity 1.0) above the bucket.
    targets = [p["target"] for p in find_paths(cluster="prod-eks")["paths"]]
    assert targets.index(spec["alternate_terminal"]["id"]) < targets.index(want[-1])


def test_max_hops_bounds_paths(loaded: dict[str, Any]) -> None:
    assert not find_paths(target="acme-customer-data", max_hops=4)["paths"]
    capped = find_paths(target="acme-customer-data", max_hops=99)
    assert capped["max_hops"] == get_exposure_settings().exposure_max_hops


def test_api_assets_and_paths(loaded: dict[str, Any], api: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = api
    r = client.get("/api/v1/exposure/assets", params={"type": "direct"}, headers=auth)
    assert r.status_code == 200, r.text
    assert {a["id"] for a in r.json()["assets"]} == {
        "i-0b45a1c2d3e4f5061",
        "arn:aws:rds:us-east-1:123456789012:db:orders-db",
    }
    r = client.get(
        "/api/v1/exposure/paths", params={"label": "SecretsManagerSecret", "limit": 1}, headers=auth
    )
    assert r.status_code == 200, r.text
    path = r.json()["paths"][0]
    assert path["nodes"][0]["id"] == "internet" and path["score"] > 0
    assert all(h["reason"] for h in path["hops"]) and len(path["hops"]) == len(path["nodes"]) - 1
    assert client.get("/api/v1/exposure/paths", params={"bogus": 1}, headers=auth).status_code == 422
    assert client.get("/api/v1/exposure/paths").status_code == 401


def test_api_time_limit_is_a_504_json_error(
    loaded: dict[str, Any], api: tuple[TestClient, dict[str, str]]
) -> None:
    client, auth = api
    client.app.dependency_overrides[get_exposure_settings] = lambda: ExposureSettings(
        exposure_request_timeout_s=1e-6
    )
    r = client.get("/api/v1/exposure/paths", headers=auth)
    assert r.status_code == 504 and r.json()["error"]["code"] == "timeout", r.text
    client.app.dependency_overrides.clear()
    assert client.get("/api/v1/exposure/paths", params={"limit": 1}, headers=auth).status_code == 200


def test_cli_and_widget_contract(loaded: dict[str, Any]) -> None:
    runner = CliRunner()
    out = runner.invoke(exposure_cli, ["paths", "--target", "acme-customer-data", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["paths"][0]["target"] == "acme-customer-data"
    table = runner.invoke(exposure_cli, ["assets"])
    assert table.exit_code == 0 and "bastion" in table.output
    top = top_exposed_assets(3)
    assert len(top) == 3 and {"id", "label", "name", "scope", "exposure", "score"} <= set(top[0])
