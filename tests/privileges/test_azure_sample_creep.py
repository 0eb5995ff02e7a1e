"""The generated sample's Azure tenant (3 subscriptions, 2 days) on a real Neo4j: the privileges step reports
exactly the planted Azure creep — carol becomes Owner on ``mg-contoso`` on day 2, inherited by every
subscription — with the assignment and the level it comes from; nothing else changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.privileges.creep import creep
from config import set_settings
from ingest import registry
from ingest.sample import generate
from pipeline.run import ingest_snapshot
from tests.conftest import _wipe

MG = "/providers/microsoft.management/managementgroups/mg-contoso"


def test_sample_azure_creep_is_exactly_the_planted_one(neo4j_uri: str, tmp_path: Path) -> None:
    set_settings(None)
    _wipe()
    m = generate(tmp_path, days=2, scale=0.05, accounts=1, clusters=0, azure_subscriptions=3)
    runs = []
    with pytest.MonkeyPatch.context() as mp:
        for name in ("aws_modules", "k8s_modules", "gcp_modules"):
            mp.setattr(registry, name, lambda: [])
        for day in ("day-01", "day-02"):
            runs.append(ingest_snapshot(tmp_path / day).run_id)
    gains = [g for g in m["creep"][0]["gains"] if g["layer"] == "azure"]
    assert {g["scope"] for g in gains} == set(m["azure"]["subscriptions"])
    got = {p["id"]: p for p in creep(runs[0], runs[1])["principals"]}
    assert set(got) == {f"{g['scope']}/{g['principal']}" for g in gains}
    for g in gains:
        p = got[f"{g['scope']}/{g['principal']}"]
        assert (p["name"], p["kind"], p["status"]) == (g["principal_name"], "azure-user", "added")
        assert p["admin_after"] and not p["admin_before"] and p["lost"] == []
        entry = f"Owner on /subscriptions/{g['scope']} (via {MG})"
        assert p["gained"] == [entry]
        [src] = p["provenance"]["gained"][entry]
        assert src["set_on"] == MG and src["role"] == "Owner"
        assert src["text"].endswith(
            "(Owner) set on management group mg-contoso, inherited by the subscription"
        )
    _wipe()
