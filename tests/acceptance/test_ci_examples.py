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
`invgraph ci` starts its own embedded Neo4j, so these two runs (one per pipeline) are the slow part.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.conftest import DATA, REPO

HW = DATA / "snapshots" / "handwritten"
EXAMPLES = REPO / "docs" / "ci"
BIN = Path(sys.executable).parent  # the venv's bin: where `invgraph` is installed
GATE_FAILED = 4
# Each pipeline starts Neo4j and loads two snapshots: about a minute on an idle machine, far longer when the
# cores are shared; above the suite's default per-test timeout so a busy machine is not a failure.
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


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **extra, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("NEO4J_URI", None)  # the suite's server: `invgraph ci` must not need it (it ignores it anyway)
    return env


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


def test_github_actions_example_fails_on_new_high_findings(tmp_path: Path) -> None:
    workflow = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text())
    steps = [s for s in workflow["jobs"]["gate"]["steps"] if "run" in s and not s["run"].startswith("pip ")]
    assert any("invgraph ci" in s["run"] for s in steps)
    _checkout(tmp_path, HW / "day2", HW / "day1", "base/inventory/snapshot")
    summary = tmp_path / "step-summary.md"
    env = _env({"GITHUB_STEP_SUMMARY": str(summary)})
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


def test_gitlab_example_passes_once_the_findings_are_fixed(tmp_path: Path) -> None:
    job = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())["invgraph-gate"]
    variables = {k: str(v) for k, v in job["variables"].items()}
    _checkout(tmp_path, _fixed_day2(tmp_path), HW / "day1", variables["BASELINE_DIR"])
    assert variables["SNAPSHOT_DIR"] == "inventory/snapshot"
    env = _env(variables)
    results = [_sh(line, tmp_path, env) for line in job["script"]]
    assert [r.returncode for r in results] == [0] * len(job["script"]), results[-1].stderr
    text = results[-1].stdout
    assert "gate: passed: 0 new high-or-above finding(s)" in text
    # Day 2's lower-severity change (port 8080 opened to the world) is still there, reported, not blocking.
    junit = ET.parse(tmp_path / job["artifacts"]["reports"]["junit"]).getroot()
    failing = {c.get("name") for c in junit.iter("testcase") if c.find("failure") is not None}
    assert "ec2_sg_unapproved_port_open_to_internet" in failing
    assert "iam_admin_role_on_internet_exposed_instance" not in failing
