"""Done-when on the generated multi-day sample: the scorecard's levels move as the planted fix lands (day 2
switches EKS control-plane logging on), and the exported roadmap's statuses follow the evidence."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from config import set_settings
from ingest.sample import generate
from pipeline.run import ingest_snapshot
from queries.service import execute, load_validated, select
from tests.conftest import _wipe


@pytest.fixture(scope="module")
def sample(neo4j_uri: str) -> Iterator[dict[str, Any]]:
    set_settings(None)
    _wipe()
    out = Path(tempfile.mkdtemp(prefix="invgraph-roadmap-sample-"))
    manifest = generate(out, accounts=1, clusters=1, scale=0.1, days=2, gcp_projects=0)
    controls = select(load_validated())
    for day in (1, 2):
        ingest_snapshot(out / f"day-{day:02d}")
        execute(controls, at=datetime(2026, 11, day, 6, tzinfo=UTC) + timedelta(hours=1))
    yield {"manifest": manifest}
    shutil.rmtree(out, ignore_errors=True)
    _wipe()


def _domain(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return next(d for d in doc["domains"] if d["domain"] == name)


def test_levels_change_as_the_planted_fix_lands(sample: dict[str, Any]) -> None:
    import json

    result = CliRunner().invoke(app, ["roadmap", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    mon = _domain(doc, "Monitoring & Alerting")
    assert mon["trend"] == [0, 2] and mon["level"] == 2 and mon["blocking"] == []
    assert mon["layers"]["kubernetes"]["trend"] == [0, 2]
    # Day 1's blocker was exactly the control the fix addresses.
    day2 = [t for t in sample["manifest"]["drift"] if t["to_day"] == 2][0]
    assert any(c["property"] == "logging" for c in day2["changed"])
    # The sample plants failures at level 1 elsewhere: those domains stay blocked, with their controls named.
    arch = _domain(doc, "Architecture")
    assert arch["level"] == 0 and arch["next_level"] == 1 and arch["blocking"]
    md = CliRunner().invoke(app, ["roadmap", "--format", "markdown"]).stdout
    assert "| Monitoring & Alerting | 2 |" in md and "0 → 2" in md


def test_exported_roadmap_statuses_follow_the_evidence(sample: dict[str, Any]) -> None:
    def rows(*args: str) -> dict[str, dict[str, str]]:
        out = CliRunner().invoke(app, ["roadmap", "export", *args]).stdout
        return {r["Task"]: r for r in csv.DictReader(io.StringIO(out, newline=""))}

    logging_task = "Send control-plane logs to central storage (level 2, both)"
    # Passing on day 2 only: in progress over the last two runs, done over the last run.
    assert rows("--runs", "2")[logging_task]["Status"] == "IN PROGRESS"
    latest = rows("--runs", "1")[logging_task]
    assert (latest["Status"], latest["Status Source"]) == ("DONE", "evidence")
    assert latest["Linked Controls"] == "eks_cluster_control_plane_logging_disabled"
