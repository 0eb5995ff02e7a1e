"""`invgraph controls …` through Typer's test runner, on a real Neo4j."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from cli import controls_cmd
from queries.catalogue import load_catalogue
from queries.findings import finding_id
from tests.queries.graph_fixture import load_graph, read_fixture

# Mounted the way cli/main.py mounts it: app.add_typer(controls_cmd.app, name="controls")
app = typer.Typer()
app.add_typer(controls_cmd.app, name="controls")
runner = CliRunner(env={"COLUMNS": "500"})
CONTROL = "ec2_sg_admin_port_open_to_internet"


def test_list_and_show() -> None:
    result = runner.invoke(app, ["controls", "list"], terminal_width=400)
    assert result.exit_code == 0
    assert all(c.id in result.stdout for c in load_catalogue())
    shown = runner.invoke(app, ["controls", "show", CONTROL])
    assert shown.exit_code == 0 and "AWSIpPermissionInbound" in shown.stdout and "admin_ports" in shown.stdout
    assert runner.invoke(app, ["controls", "show", "no_such_control"]).exit_code == 1


def test_run_json_then_mute_and_accept(neo4j: str) -> None:
    load_graph(read_fixture(load_catalogue().get(CONTROL).fixtures["fail"]))
    result = runner.invoke(app, ["controls", "run", "--id", CONTROL, "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["controls"][0]["status"] == "fail"
    assert {f["state"] for f in report["controls"][0]["findings"]} == {"new"}

    fid = finding_id(CONTROL, {"asset_id": "sg-ssh"})
    muted = runner.invoke(
        app,
        [
            "controls",
            "mute",
            fid,
            "--reason",
            "bastion rebuild",
            "--author",
            "alice",
            "--until",
            "2999-01-01",
        ],
    )
    assert muted.exit_code == 0, muted.output
    other = finding_id(CONTROL, {"asset_id": "sg-all"})
    assert (
        runner.invoke(
            app, ["controls", "accept", other, "--reason", "lab", "--author", "bob", "--until", "2999-01-01"]
        ).exit_code
        == 0
    )
    assert (
        runner.invoke(
            app, ["controls", "mute", fid, "--reason", "x", "--author", "a", "--until", "not-a-date"]
        ).exit_code
        == 1
    )

    again = json.loads(runner.invoke(app, ["controls", "run", "--id", CONTROL, "--format", "json"]).stdout)
    states = {f["asset_id"]: f["state"] for f in again["controls"][0]["findings"]}
    assert states == {"sg-ssh": "muted", "sg-all": "accepted", "sg-rdp6": "open", "sg-range": "open"}

    listed = runner.invoke(app, ["controls", "findings", "--state", "muted"], terminal_width=400)
    assert fid in listed.stdout.replace("\n", "").replace("│", "").replace(" ", "")


def test_run_sarif_and_csv_formats(neo4j: str) -> None:
    load_graph(read_fixture(load_catalogue().get(CONTROL).fixtures["fail"]))
    sarif = json.loads(
        runner.invoke(app, ["controls", "run", "--severity", "high", "--format", "sarif"]).stdout
    )
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    csv_out = runner.invoke(app, ["controls", "run", "--id", CONTROL, "--format", "csv"]).stdout
    assert csv_out.splitlines()[0].startswith("run_id,control_id,severity,status")
    assert runner.invoke(app, ["controls", "run", "--id", "no_such_control"]).exit_code == 2
