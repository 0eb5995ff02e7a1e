"""The issue's "done when": on the generated sample the usage report, its nightly lines and the controls name
every planted usage item with its evidence window, and nothing without usage data is called unused."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.privileges.usage import report, usage_lines
from ingest.sample import generate
from pipeline.run import ingest_snapshot
from queries.catalogue import load_catalogue
from queries.runner import latest_target, run_controls


def test_sample_usage_names_the_planted_items(with_step: str, tmp_path: Path) -> None:
    generate(tmp_path, days=1, gcp_projects=1)
    manifest = json.loads((tmp_path / "planted.json").read_text())
    planted = {p["id"]: p for p in manifest["planted"] if p["kind"].startswith("usage_")}
    assert len(planted) == 5
    assert ingest_snapshot(tmp_path / "day-01").status in ("ok", "partial")
    doc = report()
    ps = {p["id"]: p for p in doc["principals"]}

    sliver = ps[planted["aws-usage-service-role-sliver"]["asset_id"]]
    assert sliver["admin"] and sliver["used"] == 1 and sliver["ratio"] < 0.01
    assert sliver["window_days"] == 90 and "AWS tracks 400 days" in sliver["evidence"]
    statements = sliver["proposed_policy"]["Statement"]
    assert [(s["Action"], s["Resource"]) for s in statements] == [(["s3:GetObject"], "*")]
    glass = ps[planted["aws-usage-admin-role-unused"]["asset_id"]]
    assert glass["principal_unused"] and glass["admin"] and glass["last_activity"] is None

    creds = {c["id"]: (p, c) for p in doc["principals"] for c in p["credentials"]}
    key_owner, key = creds[planted["aws-usage-access-key-unused"]["asset_id"]]
    assert key["status"] == "unused" and key["evidence"] == "get-access-key-last-used"
    _, password = creds[planted["aws-usage-console-password-unused"]["asset_id"]]
    assert password["type"] == "password" and password["status"] == "unused"
    assert key_owner["window_days"] == 90
    _, sa_key = creds[planted["gcp-usage-sa-key-unused"]["asset_id"]]
    assert sa_key["status"] == "unused" and sa_key["evidence"].startswith("Activity Analyzer")

    # Nothing without usage data is unused (bulk roles and k8s have none in the sample).
    missing = [p for p in doc["principals"] if p["status"] == "not collected"]
    assert missing, "the sample has principals without usage data"
    for p in missing:
        assert not p["principal_unused"] and not p["unused"] and p["ratio"] is None
        assert all(c["status"] == "not collected" for c in p["credentials"])

    # The nightly report's section names each planted item with its window.
    text = "\n".join(usage_lines())
    for item in planted.values():
        assert item["asset_id"] in text or item["asset_name"] in text, item
    assert "window 90 days" in text and "Not collected (never called unused)" in text

    # Each usage control flags its planted asset.
    usage_controls = [c for c in load_catalogue() if c.meta.id.startswith("usage_")]
    results = {r.control.meta.id: r for r in run_controls(usage_controls, latest_target())}
    for item in planted.values():
        flagged = {row["asset_id"] for row in results[item["kind"]].rows}
        assert item["asset_id"] in flagged, (item["kind"], flagged)
