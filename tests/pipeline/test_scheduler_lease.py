"""Two schedulers, one nightly job: the lease in the graph (pipeline/lease.py) lets exactly one run it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from cli.schedule_cmd import run_tick
from graph import driver
from pipeline import lease

REPO = Path(__file__).resolve().parents[2]
TICK = "2026-12-08T02:00:00+00:00"
# A scheduler's tick in miniature: the job (a probe node instead of ingest + controls, which take minutes
# on a busy 2-core machine) runs only under the lease.
SCRIPT = """
import os, sys, time
from cli.schedule_cmd import run_tick
from graph import driver
from pipeline.lease import Lease
with Lease(sys.argv[1]) as held:
    if held:
        time.sleep(3)
        driver.write("CREATE (:LeaseProbe {pid: $pid})", {"pid": os.getpid()})
print("RAN" if held else "SKIPPED")
"""


def test_two_scheduler_processes_run_the_job_once(neo4j: str) -> None:
    job = f"nightly@{TICK}"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, job],
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
    assert verdicts == ["RAN", "SKIPPED"], verdicts
    ran = [p.pid for p, (out, _) in zip(procs, outs, strict=True) if out.strip().endswith("RAN")]
    assert driver.read("MATCH (p:LeaseProbe) RETURN p.pid AS pid") == [{"pid": ran[0]}]
    rows = driver.read("MATCH (l:SchedulerLease) RETURN l.job AS job, l.status AS status")
    assert rows == [{"job": job, "status": "ok"}]


def test_scheduler_tick_skips_a_job_another_scheduler_ran(neo4j: str) -> None:
    job = f"nightly@{TICK}"
    assert lease.acquire(job, "other-scheduler")
    lease.finish(job, "other-scheduler", "ok")
    assert run_tick(datetime.fromisoformat(TICK), None, None, None) is None
    assert driver.read("MATCH (c:ControlRun) RETURN count(c) AS n") == [{"n": 0}]  # nothing ran


def test_expired_lease_is_taken_over_and_a_done_job_never_reruns(neo4j: str) -> None:
    assert lease.acquire("job-a", "crashed", ttl_s=5)
    assert not lease.acquire("job-a", "standby")  # held and not expired yet
    time.sleep(5.5)  # the holder died: no renewal past expires_at
    assert lease.acquire("job-a", "standby")
    assert not lease.renew("job-a", "crashed")  # the old holder cannot extend what it lost
    assert not lease.acquire("job-a", "crashed")
    lease.finish("job-a", "standby", "ok")
    time.sleep(0.1)
    assert not lease.acquire("job-a", "third")  # done: never run twice, even after expiry
    assert lease.acquire("job-b", "third")  # another tick is another job
