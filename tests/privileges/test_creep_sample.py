"""Creep on the generated sample (day 1 → day 2) is exactly the planted creep of planted.json."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.privileges.creep import creep
from ingest.sample import generate
from pipeline.run import ingest_snapshot


def _expected_id(gain: dict[str, str]) -> str:
    if gain["layer"] == "k8s":  # planted.json names a service account by uid and ns/name
        return f"{gain['scope']}/ServiceAccount/{gain['principal_name']}"
    return gain["principal"]


def test_sample_creep_is_exactly_the_planted_one(with_step: str, tmp_path: Path) -> None:
    generate(tmp_path, days=2)
    planted = json.loads((tmp_path / "planted.json").read_text())["creep"]
    gains = next(c for c in planted if (c["from_day"], c["to_day"]) == (1, 2))["gains"]
    ingest_snapshot(tmp_path / "day-01")
    ingest_snapshot(tmp_path / "day-02")

    got = {p["id"]: p for p in creep()["principals"]}
    assert set(got) == {_expected_id(g) for g in gains}
    for g in gains:
        p = got[_expected_id(g)]
        assert p["admin_after"] and not p["admin_before"], p
        if g["gained"] == "AdministratorAccess":
            assert p["gained"] == ["* on *"] and p["lost"] == [], p
        else:  # ClusterRole cluster-admin
            assert "* *.* in *" in p["gained"] and p["lost"] == [], p
