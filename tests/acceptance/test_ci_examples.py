"""The example pipelines of docs/ci/ run as written: `invgraph ci` fails a merge request that adds new
high-severity findings and passes once they are fixed.

The commands are read from the YAML files, not copied here: every GitHub `run:` step but the pip install,
with GitHub's step semantics (after a failure only `if: always()` steps run), and every GitLab `script:`
line with the job's `variables:`. Each pipeline runs in a folder laid out as its checkout would be:
``inventory/snapshot`` (the merge request) and the target branch's copy as the baseline.

The change under test is the hand-written day-1 → day-2 snapshot (tests/data/snapshots/handwritten): it adds
a critical finding (AdministratorAccess on the internet-exposed bastion's role), a high one (cluster-admin
for the ci-runner service account) and, from the usage data, two admin-equivalent principals that use almost
none of their grants (that bastion role, and dave who joins the admins group) — plus lower-severity ones that
must not block at --fail-on high. The "fixed" merge request is day 2 with those three changes taken back out.

Both pipelines run on the suite's own Neo4j, emptied before each (`INVGRAPH_CI_USE_RUNNING_NEO4J=1`,
docs/ci.md): a fresh embedded Neo4j per pipeline cost two JVM start-ups and two cold query caches, the
slowest part of the suite. That `invgraph ci` without it starts its own Neo4j, ignores NEO4J_URI, loads and
gates there, then stops it and removes its store is checked once, on a snapshot of four kubectl files
(test_ci_starts_and_stops_its_own_neo4j).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from graph import driver
from tests.conftest import DATA, REPO

HW = DATA / "snapshots" / "handwritten"
EXAMPLES = REPO / "docs" / "ci"
BIN = Path(sys.executable).parent  # the venv's bin: where `invgraph` is installed
GATE_FAILED = 4
# Each pipeline loads two snapshots (and the last test starts a Neo4j): well under a minute on an idle
# machine, far longer when the cores are shared; above the suite's default per-test timeout so a busy
# machine is not a failure.
STEP_TIMEOUT = 1500
pytestmark = pytest.mark.timeout(2 * STEP_TIMEOUT)


def _sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run one pipeline command in a shell; on timeout SIGTERM its whole process group, so `invgraph ci`
    unwinds and stops its Neo4j instead of leaving it behind."""
    proc = subprocess.Popen(
        command,
        shell=True,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=STEP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.communicate(timeout=120)
        raise
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def _env(extra: dict[str, str], neo4j_uri: str) -> dict[str, str]:
    """The pipeline's environment, pointed at the suite's (emptied) Neo4j: ``invgraph ci`` refuses a
    graph that is not empty, so a leftover would fail the pipeline rather than pass unnoticed."""
    return {
        **os.environ,
        **extra,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "NEO4J_URI": neo4j_uri,
        "INVGRAPH_CI_USE_RUNNING_NEO4J": "1",
    }


def _checkout(root: Path, snapshot: Path, baseline: Path, baseline_dir: str) -> None:
    shutil.copytree(snapshot, root / "inventory" / "snapshot")
    shutil.copytree(baseline, root / baseline_dir)


def _fixed_day2(tmp: Path) -> Path:
    """Day 2 with the high-or-above changes reverted: the merge request after review."""
    fixed = tmp / "fixed-day2"
    shutil.copytree(HW / "day2", fixed)
    iam = fixed / "aws" / "123456789012" / "global" / "iam" / "get-account-authorization-details.json"
    doc = json.loads(iam.read_text())
    for role in doc["RoleDetailList"]:
        if role["RoleName"] == "bastion-role":
            role["AttachedManagedPolicies"] = [
                p for p in role["AttachedManagedPolicies"] if p["PolicyName"] != "AdministratorAccess"
            ]
    for user in doc["UserDetailList"]:
        if user["UserName"] == "dave":
            user["GroupList"] = [g for g in user["GroupList"] if g != "admins"]
    iam.write_text(json.dumps(doc, indent=4) + "\n")
    crb = fixed / "k8s" / "prod-eks" / "clusterrolebindings.json"
    doc = json.loads(crb.read_text())
    doc["items"] = [i for i in doc["items"] if i["metadata"]["name"] != "ci-admin"]
    crb.write_text(json.dumps(doc, indent=4, sort_keys=True) + "\n")
    return fixed


def test_github_actions_example_fails_on_new_high_findings(neo4j: str, tmp_path: Path) -> None:
    workflow = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text())
    steps = [s for s in workflow["jobs"]["gate"]["steps"] if "run" in s and not s["run"].startswith("pip ")]
    assert any("invgraph ci" in s["run"] for s in steps)
    _checkout(tmp_path, HW / "day2", HW / "day1", "base/inventory/snapshot")
    summary = tmp_path / "step-summary.md"
    env = _env({"GITHUB_STEP_SUMMARY": str(summary)}, neo4j)
    failed, codes = False, {}
    for step in steps:
        if failed and "always()" not in str(step.get("if", "")):
            continue
        run = _sh(step["run"], tmp_path, env)
        codes[step.get("name", step["run"])] = run.returncode
        failed = failed or run.returncode != 0
    assert codes["invgraph gate"] == GATE_FAILED, codes
    assert codes["Summary"] == 0
    text = summary.read_text()
    assert "gate: FAILED: 4 new high-or-above finding(s)" in text
    assert "iam_admin_role_on_internet_exposed_instance: bastion-role" in text
    assert "k8s_rbac_cluster_admin_non_system_subject: ci-admin" in text
    assert "usage_admin_principal_low_usage: bastion-role" in text
    assert "usage_admin_principal_low_usage: dave" in text
    assert "roadmap" in text.lower()

    out = tmp_path / "invgraph-ci"
    sarif = json.loads((out / "invgraph.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    suite = ET.parse(out / "junit.xml").getroot().find("testsuite")
    failures = {
        c.get("name"): c.find("failure") for c in suite.iter("testcase") if c.find("failure") is not None
    }
    assert failures["iam_admin_role_on_internet_exposed_instance"].get("type") == "critical"
    assert int(suite.get("tests")) == len(json.loads((out / "controls.json").read_text())["controls"])


def test_gitlab_example_passes_once_the_findings_are_fixed(neo4j: str, tmp_path: Path) -> None:
    job = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())["invgraph-gate"]
    variables = {k: str(v) for k, v in job["variables"].items()}
    _checkout(tmp_path, _fixed_day2(tmp_path), HW / "day1", variables["BASELINE_DIR"])
    assert variables["SNAPSHOT_DIR"] == "inventory/snapshot"
    env = _env(variables, neo4j)
    results = [_sh(line, tmp_path, env) for line in job["script"]]
    assert [r.returncode for r in results] == [0] * len(job["script"]), results[-1].stderr
    text = results[-1].stdout
    assert "gate: passed: 0 new high-or-above finding(s)" in text
    # Day 2's lower-severity change (port 8080 opened to the world) is still there, reported, not blocking.
    junit = ET.parse(tmp_path / job["artifacts"]["reports"]["junit"]).getroot()
    failing = {c.get("name") for c in junit.iter("testcase") if c.find("failure") is not None}
    assert "ec2_sg_unapproved_port_open_to_internet" in failing
    assert "iam_admin_role_on_internet_exposed_instance" not in failing


def test_ci_starts_and_stops_its_own_neo4j(neo4j: str, tmp_path: Path) -> None:
    """Without --use-running-neo4j: a Neo4j of its own (NEO4J_URI, here the suite's server, is ignored),
    the load and the gate run there, and afterwards neither its process nor its store is left."""
    snap = tmp_path / "snapshot"
    (snap / "k8s" / "prod-eks").mkdir(parents=True)
    shutil.copy(HW / "day2" / "snapshot.json", snap / "snapshot.json")
    for name in ("namespaces", "serviceaccounts", "clusterroles", "clusterrolebindings"):
        shutil.copy(HW / "day2" / "k8s" / "prod-eks" / f"{name}.json", snap / "k8s" / "prod-eks")
    tmp = tmp_path / "tmp"  # where `invgraph ci` makes its store: must be empty again afterwards
    tmp.mkdir()
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "NEO4J_URI": neo4j,
        "TMPDIR": str(tmp),
    }
    env.pop("INVGRAPH_CI_USE_RUNNING_NEO4J", None)
    seen: set[str] = set()  # the store folders that appeared in TMPDIR while it ran
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            seen.update(p.name for p in tmp.glob("invgraph-ci-neo4j-*"))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        run = _sh("invgraph ci snapshot --fail-on high --output-dir out", tmp_path, env)
    finally:
        done.set()
        watcher.join()
    # cluster-admin for ci-runner (high) is in those four files: the gate ran on what was loaded
    assert run.returncode == GATE_FAILED, run.stderr
    assert (
        "k8s_rbac_cluster_admin_non_system_subject: ci-admin" in (tmp_path / "out" / "summary.md").read_text()
    )
    assert driver.read("MATCH (n) RETURN count(n) AS c") == [{"c": 0}]  # the suite's graph was not used
    assert len(seen) == 1, seen  # it made its own store …
    assert list(tmp.iterdir()) == []  # … and removed it
    running = [p for p in Path("/proc").glob("[0-9]*/cmdline") if str(tmp) in _cmdline(p)]
    assert running == [], "invgraph ci left its Neo4j running"


def _cmdline(path: Path) -> str:
    try:
        return path.read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:  # the process ended while we looked
        return ""


def test_use_running_neo4j_refuses_a_graph_that_is_not_empty(neo4j: str, tmp_path: Path) -> None:
    """The loads' cleanup would delete what is there: exit 2 before anything is loaded, the node kept."""
    driver.write("CREATE (:KeepMe {id: 'k'})")
    env = _env({}, neo4j)
    run = _sh(f"invgraph ci {HW / 'day2'} --output-dir out", tmp_path, env)
    assert run.returncode == 2, run.stderr
    assert "is not empty (1 nodes)" in run.stderr and neo4j in run.stderr
    assert driver.read("MATCH (n) RETURN labels(n) AS l, n.id AS id") == [{"l": ["KeepMe"], "id": "k"}]
    assert not (tmp_path / "out").exists()
