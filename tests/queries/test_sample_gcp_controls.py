"""The sample generator's planted GCP facts (planted.json) are what the GCP controls and the exposure analysis
report on the generated organization, day by day — and the GCP decoys are not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from analysis.exposure.paths import find_paths
from config import set_settings
from ingest.sample import generate
from pipeline.run import ingest_snapshot
from queries.service import execute, load_validated
from tests.conftest import _wipe


@pytest.fixture(scope="module")
def days(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    set_settings(None)
    _wipe()
    out = tmp_path_factory.mktemp("sample-gcp")
    manifest = generate(out, accounts=1, clusters=0, scale=0.1, days=2, gcp_projects=2)
    catalogue = list(load_validated())
    found: dict[int, dict[str, set[str]]] = {}
    for day in manifest["days"]:
        report = ingest_snapshot(out / day["folder"])
        assert report.status == "ok", [m.errors for m in report.modules if m.errors]
        outcome = execute(catalogue)
        found[int(day["day"])] = {
            c["id"]: {f["asset_id"] for f in c["findings"]} for c in outcome.report["controls"]
        }
    yield {"manifest": manifest, "found": found}
    _wipe()


def _gcp(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if i["layer"] == "gcp"]


def test_every_planted_gcp_misconfiguration_is_reported_from_its_day(days: dict[str, Any]) -> None:
    controls = set(days["found"][1])
    planted = [i for i in _gcp(days["manifest"]["planted"]) if i["kind"] in controls]
    assert len(planted) >= 4  # bucket, firewall, instance, key (+ the day-2 owner binding)
    for item in planted:
        for day, found in days["found"].items():
            holds = day >= item["day_from"] and (item["day_to"] is None or day <= item["day_to"])
            assert (item["asset_id"] in found[item["kind"]]) == holds, (day, item)


def test_no_gcp_decoy_is_reported_by_the_control_it_imitates(days: dict[str, Any]) -> None:
    decoys = _gcp(days["manifest"]["decoys"])
    assert decoys
    for item in decoys:
        for found in days["found"].values():
            assert item["asset_id"] not in found[item["kind"]], item


def test_the_planted_cross_layer_path_is_found(days: dict[str, Any]) -> None:
    [xlayer] = [i for i in _gcp(days["manifest"]["planted"]) if i["kind"] == "cross_layer_internet_to_data"]
    target = xlayer["path"][-1]["id"]
    chains = [[n["id"] for n in p["nodes"]] for p in find_paths(target=target)["paths"]]
    wanted = [
        h["id"] for h in xlayer["path"] if h["type"] != "GCPFirewall"
    ]  # firewalls are reasons, not nodes
    assert any(c[-len(wanted) :] == wanted for c in chains), chains
