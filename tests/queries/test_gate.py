"""`invgraph controls run --fail-on … [--new-only]`: the CI gate's exit codes on a real Neo4j."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from cli import controls_cmd
from graph import driver
from queries.catalogue import load_catalogue
from queries.findings import finding_id
from tests.queries.graph_fixture import load_graph, read_fixture

app = typer.Typer()
app.add_typer(controls_cmd.app, name="controls")
runner = CliRunner(env={"COLUMNS": "500"})
CONTROL = "ec2_sg_admin_port_open_to_internet"  # severity high; its FAIL fixture fails four groups
RUN = ["controls", "run", "--id", CONTROL, "--format", "json"]


def _ingest_run(run_id: str, status: str = "ok") -> None:
    driver.write(
        "CREATE (:IngestRun {id: $id, status: $status, started_at: datetime(), "
        "collected_at: datetime('2026-11-20T06:00:00Z')})",
        {"id": run_id, "status": status},
    )


def _gate(*extra: str) -> tuple[int, str]:
    result = runner.invoke(app, [*RUN, *extra])
    return result.exit_code, result.stderr


def test_fail_on_thresholds_new_only_and_suppressions(neo4j: str) -> None:
    load_graph(read_fixture(load_catalogue().get(CONTROL).fixtures["fail"]))
    _ingest_run("run-1")
    # A high finding blocks at high and below, not at critical; without --fail-on findings never fail.
    assert _gate()[0] == 0
    code, err = _gate("--fail-on", "critical")
    assert code == 0 and "gate: passed: 0 critical-or-above" in err
    code, err = _gate("--fail-on", "high")
    assert code == 4 and "gate: FAILED: 4 high-or-above finding(s)" in err
    assert finding_id(CONTROL, {"asset_id": "sg-ssh"}) in err
    assert _gate("--fail-on", "low")[0] == 4
    # The first run has no baseline: everything is new.
    code, err = _gate("--fail-on", "high", "--new-only")
    assert code == 4 and "every finding is new" in err

    # Next ingest run, same data: nothing new since the previous finished run.
    _ingest_run("run-2")
    code, err = _gate("--fail-on", "high", "--new-only")
    assert code == 0 and "gate: passed: 0 new high-or-above" in err and "(ingest run run-1)" in err
    # A run that failed is not a baseline; run-2's control runs are (the latest ones on the previous run).
    _ingest_run("run-3-failed", status="failed")
    _ingest_run("run-4")
    driver.write("MATCH (r:AWSIpRange {id: 'sg_internal_r0|10.0.0.0/8'}) SET r.range = '0.0.0.0/0'")
    code, err = _gate("--fail-on", "high", "--new-only")
    new_id = finding_id(CONTROL, {"asset_id": "sg-internal"})
    assert code == 4 and "gate: FAILED: 1 new high-or-above" in err and "(ingest run run-2)" in err
    assert new_id in err and finding_id(CONTROL, {"asset_id": "sg-ssh"}) not in err
    # Re-running on the same ingest run gives the same answer (the baseline is still run-2).
    assert _gate("--fail-on", "high", "--new-only")[0] == 4

    # A muted finding never blocks; a control that errored still exits 1 before the gate.
    muted = runner.invoke(
        app,
        ["controls", "mute", new_id, "--reason", "ticket 12", "--author", "ci", "--until", "2999-01-01"],
    )
    assert muted.exit_code == 0, muted.output
    assert _gate("--fail-on", "high", "--new-only")[0] == 0
    assert _gate("--fail-on", "high")[0] == 4  # the four old ones are still open

    assert runner.invoke(app, [*RUN, "--new-only"]).exit_code == 2
    assert runner.invoke(app, [*RUN, "--fail-on", "info"]).exit_code == 2
