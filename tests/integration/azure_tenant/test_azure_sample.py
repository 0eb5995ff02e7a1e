"""The sample generator's Azure tenant, ingested on a real Neo4j: every planted Azure item is reported by its
control, the decoy is not, and the day-2 inherited Owner appears only from day 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import set_settings
from ingest import registry
from ingest.sample import generate
from pipeline.run import ingest_snapshot
from tests.conftest import _wipe

from .test_azure_ingest import findings


def test_sample_tenant_plants_decoys_and_creep(neo4j_uri: str, tmp_path: Path) -> None:
    set_settings(None)
    _wipe()
    manifest = generate(
        tmp_path / "sample", days=2, scale=0.05, accounts=1, clusters=0, azure_subscriptions=3
    )
    assert len(manifest["azure"]["subscriptions"]) == 3
    per_day = []
    with pytest.MonkeyPatch.context() as mp:
        for name in ("aws_modules", "k8s_modules", "gcp_modules"):
            mp.setattr(registry, name, lambda: [])
        for day in ("day-01", "day-02"):
            report = ingest_snapshot(tmp_path / "sample" / day)
            assert {m.status.value for m in report.modules} <= {"ok", "not collected"}, [
                m.errors for m in report.modules
            ]
            per_day.append(findings())
    day1, day2 = per_day
    planted = [p for p in manifest["planted"] if p["layer"] == "azure"]
    assert len(planted) >= 14
    for item in planted:
        assert item["asset_id"] in day1[item["kind"]], item
    for item in (d for d in manifest["decoys"] if d["layer"] == "azure"):
        assert item["asset_id"] not in day1[item["kind"]], item
    carol = manifest["azure"]["creep"]["principal"]
    owners = "azure_iam_privileged_role_on_subscription_to_user"
    gained = day2[owners] - day1[owners]
    assert len(gained) == 1 and "/managementgroups/mg-contoso/" in next(iter(gained))
    assert carol  # the manifest names who gained it
