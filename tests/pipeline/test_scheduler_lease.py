"""Two schedulers, one nightly job: the lease in the graph (pipeline/lease.py) lets exactly one run it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from graph import driver
from pipeline import lease

REPO = Path(__file__).resolve().parents[2]
TICK = "2026-12-08T02:00:00+00:00"
SCRIPT = """
import sys
from datetime import datetime
from cli.schedule_cmd import run_tick
status = run_tick(datetime.fromisoformat(sys.argv[1]), None, None, None)
print("SKIPPED" if status is None else f"RAN {status}")
"""


def test_two_scheduler_processes_run_the_tick_once(neo4j: str) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, TICK],
            cwd=REPO,
            env={**os.environ},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outs]
    verdicts = sorted(out.strip().splitlines()[-1] for out, _ in outs)
    assert verdicts[1] == "SKIPPED" and verdicts[0].startswith("RAN"), verdicts
    # The job's work happened once: one control run, and the lease records who ran it and that it is done.
    assert driver.read("MATCH (c:ControlRun) RETURN count(c) AS n")[0]["n"] == 1
    rows = driver.read("MATCH (l:SchedulerLease) RETURN l.job AS job, l.done_at IS NOT NULL AS done")
    assert rows == [{"job": f"nightly@{TICK}", "done": True}]


def test_expired_lease_is_taken_over_and_a_done_job_never_reruns(neo4j: str) -> None:
    assert lease.acquire("job-a", "crashed", ttl_s=0.05)
    assert not lease.acquire("job-a", "standby")  # held and not expired yet
    time.sleep(0.2)  # the holder died: no renewal past expires_at
    assert lease.acquire("job-a", "standby")
    assert not lease.renew("job-a", "crashed")  # the old holder cannot extend what it lost
    assert not lease.acquire("job-a", "crashed")
    lease.finish("job-a", "standby", "ok")
    time.sleep(0.1)
    assert not lease.acquire("job-a", "third")  # done: never run twice, even after expiry
    assert lease.acquire("job-b", "third")  # another tick is another job
