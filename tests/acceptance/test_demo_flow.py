"""Acceptance: the demo flow — a small two-day sample ingested day by day through the CLI, then
`invgraph runs`."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.sample import generate
from tests.acceptance.support import cli, cli_ingest


def test_two_day_sample_through_the_cli(neo4j: str, tmp_path: Path) -> None:
    # scale 0.1: still two accounts and a cluster (they do not scale) and every module runs and is listed,
    # with about half of scale 0.5's input (1.4 MB, not 2.5; below 0.5 the cluster has no StatefulSet, a
    # module then loading 0 nodes, which the per-module comparison covers all the same): the flow under
    # test is the CLI's, not the volume's
    manifest = generate(tmp_path / "sample", scale=0.1, days=2)
    reports = []
    for day in manifest["days"]:
        code, report = cli_ingest(tmp_path / "sample" / day["folder"])
        assert (code, report["status"]) == (0, "ok"), [m for m in report["modules"] if m["status"] != "ok"]
        reports.append(report)

    code, out = cli("runs", "--format", "json")
    assert code == 0
    runs = json.loads(out)
    assert [r["id"] for r in runs] == [reports[1]["run_id"], reports[0]["run_id"]]  # newest first
    for run, report in zip(runs, reversed(reports), strict=True):
        assert run["status"] == "ok"
        assert run["collected_at"].startswith(
            next(d["collected_at"][:10] for d in manifest["days"] if report is reports[int(d["day"]) - 1])
        )
        expected = {(m["name"], m["scope"], m["status"], m["nodes"]) for m in report["modules"]}
        assert {(m["name"], m["scope"], m["status"], m["nodes"]) for m in run["modules"]} == expected
        scopes = {m["scope"].split("/")[0] for m in run["modules"]}
        assert {a["account_id"] for a in manifest["accounts"]} | {
            c["name"] for c in manifest["clusters"]
        } <= scopes
        assert {m["status"] for m in run["modules"]} <= {"ok", "not collected"} and run["modules"]
