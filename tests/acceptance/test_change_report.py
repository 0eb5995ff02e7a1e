"""Change you can act on, on the hand-written snapshot pair (tests/data/snapshots/handwritten).

Day 2 of the pair, as written: bastion-role gets AdministratorAccess, dave joins group admins, the
payments pod is rescheduled (new uid), acme-acl-public is deleted, bastion's Owner tag changes, batch-1 is
added. This module plants two more network changes in a copy of day 2: security group ssh-open is opened
on tcp/8443 to 0.0.0.0/0 (nacl-blocked, whose NACL only denies 22, becomes reachable) and web-sg loses its
443 rule (the web ALB is no longer reachable). Then the exposure change, the privilege creep with
provenance, the drift and the nightly report must name exactly those, and the API must agree with the CLI
and the report.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from analysis.exposure.drift import exposure_drift
from analysis.privileges.creep import creep
from analysis.report.nightly import build
from analysis.report.output import render
from analysis.report.render_text import slack_payload
from api.app import API_PREFIX, create_app
from appdb import keys as apikeys
from cli.main import app as cli_app
from config import set_settings
from history.drift import Filters
from pipeline.run import ingest_snapshot
from queries.drift import drift
from queries.service import execute, load_validated, select
from tests.conftest import DATA, _wipe

HW = DATA / "snapshots" / "handwritten"
SG_FILE = Path("aws/123456789012/us-east-1/ec2/describe-security-groups.json")
NACL_BLOCKED = "i-0d67c3e4f50617283"
BASTION_ROLE = "arn:aws:iam::123456789012:role/bastion-role"
DAVE = "arn:aws:iam::123456789012:user/dave"


def _plant(day2: Path) -> None:
    path = day2 / SG_FILE
    doc = json.loads(path.read_text())
    for g in doc["SecurityGroups"]:
        if g["GroupName"] == "ssh-open":
            g["IpPermissions"].append(
                {
                    "IpProtocol": "tcp",
                    "FromPort": 8443,
                    "ToPort": 8443,
                    "UserIdGroupPairs": [],
                    "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "planted"}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                }
            )
        if g["GroupName"] == "web-sg":
            g["IpPermissions"] = [p for p in g["IpPermissions"] if p.get("FromPort") != 443]
    path.write_text(json.dumps(doc, indent=4) + "\n")


@pytest.fixture(scope="module")
def pair(neo4j_uri: str) -> Iterator[dict[str, Any]]:
    set_settings(None)
    _wipe()
    tmp = Path(tempfile.mkdtemp(prefix="invgraph-change-report-"))
    shutil.copytree(HW / "day1", tmp / "day1")
    shutil.copytree(HW / "day2", tmp / "day2")
    _plant(tmp / "day2")
    runs = []
    for day in ("day1", "day2"):
        runs.append(ingest_snapshot(tmp / day).run_id)
        execute(select(load_validated()))
    yield {"runs": runs, "tmp": tmp}
    shutil.rmtree(tmp, ignore_errors=True)


def _names(path: dict[str, Any]) -> list[str]:
    return [n["name"] for n in path["nodes"]]


def test_exposure_change_names_the_planted_paths(pair: dict[str, Any]) -> None:
    doc = exposure_drift(*pair["runs"])
    new = {a["id"]: a for a in doc["assets"]["newly_reachable"]}
    assert set(new) == {NACL_BLOCKED}, new
    assert "8443/tcp" in new[NACL_BLOCKED]["ports"]
    assert any("ssh-open" in r for r in new[NACL_BLOCKED]["reasons"])
    gone = {a["label"]: a["name"] for a in doc["assets"]["no_longer_reachable"]}
    # web-alb and its registered target app-private (reachable only through the ALB) both go
    assert gone == {
        "LoadBalancerV2": "web-alb",
        "EC2Instance": "app-private",
        "S3Bucket": "acme-acl-public",
    }, gone
    changed = {a["name"]: a for a in doc["assets"]["changed"]}
    assert set(changed) == {"bastion"} and "8443/tcp" in changed["bastion"]["ports"]
    assert changed["bastion"]["ports_before"] == ["22/tcp"]
    new_paths = [_names(p) for p in doc["paths"]["new"]]
    assert ["Internet", "bastion", "bastion-role"] in new_paths  # bastion-role is admin on day 2
    gone_paths = [_names(p) for p in doc["paths"]["gone"]]
    assert ["Internet", "acme-acl-public"] in gone_paths
    # web-alb led to no crown jewel (app-private runs without a role), so closing it removes no path
    assert gone_paths == [["Internet", "acme-acl-public"]], gone_paths
    # The payments pod was rescheduled (new uid) behind the same Service: its path is no change.
    every = doc["paths"]["new"] + doc["paths"]["gone"] + doc["paths"]["rescored"]
    assert not any("payments" in " ".join(_names(p)) for p in every), [_names(p) for p in every]
    assert not any(
        a["label"] == "KubernetesPod"
        for k in ("newly_reachable", "no_longer_reachable")
        for a in doc["assets"][k]
    )


def test_exposure_change_is_empty_between_a_run_and_itself(pair: dict[str, Any]) -> None:
    doc = exposure_drift(pair["runs"][1], pair["runs"][1])
    assert not any(doc["assets"].values()) and not any(doc["paths"].values())


def test_creep_names_what_grants_each_permission(pair: dict[str, Any]) -> None:
    doc = creep(*pair["runs"])
    by_id = {p["id"]: p for p in doc["principals"]}
    dave = by_id[DAVE]
    assert dave["admin_after"] and not dave["admin_before"] and "* on *" in dave["gained"]
    (src,) = dave["provenance"]["gained"]["* on *"]
    assert (src["name"], src["via"], src["policy"]) == (
        "AdministratorAccess",
        "via group admins",
        "arn:aws:iam::aws:policy/AdministratorAccess",
    )
    assert src["statement"] == "#0"  # AdministratorAccess has one statement and no Sid
    assert dave["admin_via"] == [src["text"]]
    role = by_id[BASTION_ROLE]
    (src,) = role["provenance"]["gained"]["* on *"]
    assert src["via"] == "attached"
    sa = next(p for p in doc["principals"] if p["name"] == "ci/ci-runner")
    srcs = {s["text"] for v in sa["provenance"]["gained"].values() for s in v}
    assert srcs and all("cluster-admin" in t and "ClusterRoleBinding" in t for t in srcs), srcs


def test_nightly_report_has_every_section_and_agrees_with_the_api(
    pair: dict[str, Any], output_dir: Path
) -> None:
    frm, to = pair["runs"]
    report = build(frm, to)
    data = json.loads(render(report, "json"))
    titles = [s["title"] for s in data["sections"]]
    assert titles == ["Exposure changes", "Privilege changes", "Granted versus used", "Control results"]
    assert all(s["available"] and s["lines"] for s in data["sections"])
    totals = data["totals"]
    assert totals["paths new"] >= 1 and totals["principals newly admin"] >= 3 and totals["findings new"] >= 1
    # the same runs through the API
    key = apikeys.create_key("change-report", "viewer")[1]
    with TestClient(create_app()) as client:
        h = {"Authorization": f"Bearer {key}"}
        q = {"from": frm, "to": to}
        api_exp = client.get(f"{API_PREFIX}/exposure/drift", params=q, headers=h)
        api_creep = client.get(f"{API_PREFIX}/privileges/creep", params=q, headers=h)
        api_drift = client.get(f"{API_PREFIX}/drift", params=q, headers=h)
    assert api_exp.status_code == api_creep.status_code == api_drift.status_code == 200, api_exp.text
    ids = lambda doc: {k: sorted(p["id"] for p in doc["paths"][k]) for k in doc["paths"]}  # noqa: E731
    assert ids(api_exp.json()) == ids(data["exposure"])

    def _set(prov: dict[str, Any]) -> dict[str, Any]:  # the API lists every field, null when not applicable
        return {
            k: {
                e: [{f: v for f, v in src.items() if v is not None} for src in srcs] for e, srcs in by.items()
            }
            for k, by in prov.items()
        }

    creep_api = {p["id"]: _set(p["provenance"]) for p in api_creep.json()["principals"]}
    assert creep_api == {p["id"]: p["provenance"] for p in data["privileges"]["principals"]}
    assert api_drift.json()["assets"] == data["drift"]["assets"]
    assert sorted(f["id"] for f in api_drift.json()["findings"]["new"]) == sorted(
        f["id"] for f in data["drift"]["findings"]["new"]
    )
    # what a reader sees
    md = render(report, "markdown")
    assert "new path (score" in md and "Internet → bastion → bastion-role" in md
    assert "dave (aws-user, 123456789012) — now admin: gained `* on *` via AdministratorAccess" in md
    assert "via group admins" in md
    assert "bastion" in md and "i-0a9f8e7d6c5b4a392" in md  # planted tag change and batch-1
    summary = slack_payload(report)["text"]
    assert f"paths {totals['paths new']} new" in summary
    assert f"{totals['principals newly admin']} newly admin" in summary
    html = render(report, "html")
    assert "<script" not in html and "http" not in html.split("<main>", 1)[1].split("xmlns", 1)[0]
    page = output_dir / "nightly-report-handwritten.html"
    page.write_text(html)
    _screenshot(page, output_dir / "nightly-report-handwritten.png")


def test_empty_sections_say_no_changes_between_the_runs(pair: dict[str, Any]) -> None:
    run = pair["runs"][1]
    md = render(build(run, run), "markdown")
    assert f"no exposure changes between run {run} and run {run}" in md
    assert f"no privilege changes between run {run} and run {run}" in md
    assert "not available" not in md


def test_cli_commands(pair: dict[str, Any]) -> None:
    frm, to = pair["runs"]
    runner = CliRunner()
    res = runner.invoke(cli_app, ["exposure", "drift", "--from", frm, "--to", to], terminal_width=120)
    assert res.exit_code == 0, res.output
    assert "newly reachable from the internet: 1" in res.output and "nacl-blocked" in res.output
    res = runner.invoke(cli_app, ["exposure", "drift", "--from", frm, "--to", to, "--format", "json"])
    assert json.loads(res.output)["to"]["id"] == to
    res = runner.invoke(cli_app, ["privileges", "creep", "--from", to, "--to", to])
    assert res.exit_code == 0 and f"no privilege changes between {to} and {to}" in res.output
    assert "--from" in res.output
    res = runner.invoke(cli_app, ["drift", "--from", frm, "--to", to, "--format", "markdown"])
    assert res.exit_code == 0 and "# Drift report" in res.output and "Exposure changes" not in res.output
    res = runner.invoke(cli_app, ["drift", "--from", frm, "--to", to, "--label", "EC2Instance"])
    doc = json.loads(res.output)
    assert doc == json.loads(json.dumps(drift(frm, to, Filters(label="EC2Instance")), default=str))
    res = runner.invoke(cli_app, ["history", "drift", "--from", frm, "--to", to])
    assert res.exit_code == 0 and json.loads(res.output)["to"]["id"] == to


def _screenshot(page: Path, shot: Path) -> None:
    shot.unlink(missing_ok=True)
    profile = tempfile.mkdtemp(prefix="invgraph-chromium-")
    try:
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1400,3000",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert shot.is_file() and shot.stat().st_size > 10_000
