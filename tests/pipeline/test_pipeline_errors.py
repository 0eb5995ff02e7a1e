"""The pipeline's one error policy on a real Neo4j (pipeline/run.py): each step is made to fail in turn; the
run never stays ``running``, ends ``partial`` (``failed`` when the load itself failed) and records every step
with its status and error on the IngestRun; the other steps still run."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from analysis.privileges import store as privileges_store
from cli.main import app
from graph import driver
from history import changes, post_ingest, runs
from ingest import runner
from pipeline.run import ingest_snapshot
from tests.privileges.conftest import ACCOUNT, doc, user, write_iam_snapshot

READ = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"})
DETAILS = {
    "UserDetailList": [user("carol", inline={"read": READ})],
    "GroupDetailList": [],
    "RoleDetailList": [],
    "Policies": [],
}
AT = "2026-11-01T06:00:00Z"
# The module, not the function ``analysis.exposure.compute`` that the package exports under the same name.
exposure_compute = importlib.import_module("analysis.exposure.compute")


def _snapshot(root: Path, details: dict[str, Any] | str = DETAILS) -> Path:
    """One IAM user with its per-user files, so every collected module loads ``ok``."""
    write_iam_snapshot(root, details, AT)
    files = {"list-access-keys": {"AccessKeyMetadata": []}, "list-mfa-devices": {"MFADevices": []}}
    for command, body in files.items():
        folder = root / "aws" / ACCOUNT / "global" / "iam" / command
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "carol.json").write_text(json.dumps(body))
    return root


def _boom(message: str) -> Any:
    def fail(*_: Any, **__: Any) -> Any:
        raise RuntimeError(message)

    return fail


def _stored(run_id: str) -> dict[str, Any]:
    """The IngestRun as stored, its ``steps`` by name."""
    row = driver.read(
        "MATCH (r:IngestRun {id: $id}) RETURN r.status AS status, r.error AS error, r.steps AS steps",
        {"id": run_id},
    )[0]
    return {**row, "steps": {s["name"]: s for s in json.loads(row["steps"])}}


def test_registered_steps_in_order() -> None:
    assert [s.name for s in post_ingest.registered()] == ["privileges", "usage", "exposure"]


def test_every_step_ok_is_recorded(neo4j: str, tmp_path: Path) -> None:
    report = ingest_snapshot(_snapshot(tmp_path))
    assert report.status == "ok" and report.exit_code == 0, report.as_json()
    stored = _stored(report.run_id)
    assert stored["status"] == "ok"
    assert list(stored["steps"]) == ["history", "privileges", "usage", "exposure"]
    assert {(s["status"], s["error"]) for s in stored["steps"].values()} == {("ok", None)}
    assert all(s["seconds"] >= 0 for s in stored["steps"].values())
    assert [s["name"] for s in runs.list_runs(1)[0]["steps"]] == [
        "history",
        "privileges",
        "usage",
        "exposure",
    ]
    assert report.as_json()["steps"] == list(stored["steps"].values())


def test_history_failing_ends_partial(neo4j: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(changes, "record", _boom("history store refused"))
    report = ingest_snapshot(_snapshot(tmp_path))
    assert report.status == "partial" and report.exit_code == 2
    stored = _stored(report.run_id)
    assert stored["status"] == "partial"
    assert stored["steps"]["history"]["status"] == "failed"
    assert stored["steps"]["history"]["error"] == "RuntimeError: history store refused"
    # the analyses still ran on the loaded graph
    assert [stored["steps"][n]["status"] for n in ("privileges", "exposure")] == ["ok", "ok"]


def test_privileges_failing_ends_partial(neo4j: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(privileges_store, "save_changes", _boom("permissions store refused"))
    report = ingest_snapshot(_snapshot(tmp_path))
    stored = _stored(report.run_id)
    assert report.status == stored["status"] == "partial"
    assert stored["steps"]["privileges"]["status"] == "failed"
    assert stored["steps"]["privileges"]["error"] == "RuntimeError: permissions store refused"
    assert [stored["steps"][n]["status"] for n in ("history", "exposure")] == ["ok", "ok"]


def test_exposure_failing_ends_partial(neo4j: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the pipeline the exposure step swallowed its errors and the run read ``ok``."""
    monkeypatch.setattr(exposure_compute, "build", _boom("attack graph refused"))
    result = CliRunner().invoke(app, ["ingest", "snapshot", str(_snapshot(tmp_path))])
    assert result.exit_code == 2, result.output
    assert "step exposure failed: RuntimeError: attack graph refused" in result.output
    run_id = runs.list_runs(1)[0]["id"]
    stored = _stored(run_id)
    assert stored["status"] == "partial"
    assert stored["steps"]["exposure"]["error"] == "RuntimeError: attack graph refused"
    assert [stored["steps"][n]["status"] for n in ("history", "privileges")] == ["ok", "ok"]
    # the exposure computation's own record says failed too
    assert driver.read("MATCH (e:ExposureRun {ingest_run_id: $id}) RETURN e.status AS s", {"id": run_id}) == [
        {"s": "failed"}
    ]


def test_failed_load_skips_the_analyses(neo4j: str, tmp_path: Path) -> None:
    """A snapshot without any input (only snapshot.json): nothing collected, the load ``failed``."""
    (tmp_path / "snapshot.json").write_text(json.dumps({"collected_at": AT}))
    report = ingest_snapshot(tmp_path)
    stored = _stored(report.run_id)
    assert report.status == stored["status"] == "failed" and report.exit_code == 1
    assert stored["steps"]["history"]["status"] == "ok"
    for name in ("privileges", "exposure"):
        assert stored["steps"][name]["status"] == "skipped"
        assert "load failed" in stored["steps"][name]["error"]


def test_load_raising_ends_the_run_failed(
    neo4j: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "load_snapshot", _boom("loader bug"))
    with pytest.raises(RuntimeError, match="loader bug"):
        ingest_snapshot(_snapshot(tmp_path))
    run = runs.list_runs(1)[0]
    assert run["status"] == "failed" and run["error"] == "ingest: RuntimeError: loader bug"
    assert driver.read("MATCH (r:IngestRun {status: 'running'}) RETURN count(r) AS n") == [{"n": 0}]
