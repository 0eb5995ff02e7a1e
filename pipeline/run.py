"""One ingest run, start to finish, with one error policy.

    history.runs.new_run            IngestRun "running"
    ingest.runner.load_snapshot     every module: ok / partial / failed / not collected -> run status
    history.changes.record          step "history": what the run added, changed, removed
    post-ingest steps               steps the analyses registered (history/post_ingest.py), in order
    history.runs.finish_run         final status, module results, ``steps`` (name, status, error, seconds)

Error policy (the same for every step, history included):

* a step that raises is recorded on the run's ``steps`` as ``failed`` with its error, the following steps
  still run, and an ``ok`` run ends ``partial`` (exit code 2): the load is committed, an analysis is missing;
* a failed load (no module usable) still records history but skips the post-ingest steps (recorded as
  ``skipped``): they would recompute from a graph this run did not refresh; the run ends ``failed``;
* the load itself raising ends the run ``failed`` with the error, then the exception propagates;
* Neo4j gone (``ServiceUnavailable`` / ``SessionExpired`` after the driver's retries) propagates at once:
  nothing can be recorded, the run stays ``running`` and the next run marks it interrupted (history/runs.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j.exceptions import ServiceUnavailable, SessionExpired

# Importing the analyses is what registers their post-ingest steps (history/post_ingest.py).
import analysis.exposure.compute  # noqa: F401
import analysis.privileges.steps  # noqa: F401
import analysis.privileges.usage  # noqa: F401
from graph import driver
from history import changes, post_ingest, runs
from history.runs import ModuleResult, RunContext, StepOutcome
from ingest import runner
from ingest.sources.snapshot import Snapshot

log = logging.getLogger("invgraph.pipeline")
NEO4J_GONE = (ServiceUnavailable, SessionExpired)


@dataclass
class RunReport:
    run_id: str
    status: str
    modules: list[ModuleResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    context: RunContext | None = None
    steps: list[StepOutcome] = field(default_factory=list)
    # Bookmarks after the run finished (graph/driver.py): another process reading with them sees the whole
    # run even on a cluster secondary; this process's own later reads already start after them.
    bookmarks: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "modules": [m.as_json() for m in self.modules],
            "skipped_files": self.skipped,
            "steps": [s.as_json() for s in self.steps],
            "bookmarks": self.bookmarks,
        }

    @property
    def exit_code(self) -> int:
        return {"ok": 0, "partial": 2}.get(self.status, 1)


def run_step(name: str, call: Callable[[], Any]) -> StepOutcome:
    """Run one step under the error policy (module docstring)."""
    start = time.perf_counter()
    try:
        out = call()
    except NEO4J_GONE:
        raise
    except Exception as exc:  # noqa: BLE001 - the policy: any step error is recorded on the run, not lost
        log.exception("step %s failed", name)
        return StepOutcome(name, "failed", f"{type(exc).__name__}: {exc}", time.perf_counter() - start)
    summary = out if isinstance(out, dict) else None
    return StepOutcome(name, "ok", None, time.perf_counter() - start, summary)


def run_post_ingest(ctx: RunContext, results: list[ModuleResult]) -> list[StepOutcome]:
    """Every registered post-ingest step, in order, each under the error policy."""
    return [run_step(s.name, lambda s=s: s.run(ctx, results)) for s in post_ingest.registered()]


def ingest_snapshot(path: Path, show_progress: bool = False, workers: int | None = None) -> RunReport:
    """Ingest one snapshot folder as one run (docs/snapshot-format.md); the module docstring has the order.
    ``workers``: scopes loaded at once (None: the ``INVGRAPH_INGEST_WORKERS`` setting)."""
    snap = Snapshot(path)
    run_id, tag = runs.new_run(f"snapshot:{path.resolve()}", snap.collected_at)
    ctx = RunContext(run_id, tag, snap.collected_at)
    try:
        results = runner.load_snapshot(snap, ctx, show_progress, workers)
    except NEO4J_GONE:
        raise
    except Exception as exc:
        runs.finish_run(run_id, "failed", [], [], error=f"ingest: {type(exc).__name__}: {exc}")
        raise
    skipped = [str(p.relative_to(path)) for p in snap.unclaimed()]
    status = runner.overall_status(results)
    steps = [run_step("history", lambda: changes.record(run_id, tag, results, runner.all_schemas()))]
    if status == "failed":
        steps += [
            StepOutcome(s.name, "skipped", "the load failed: nothing new to analyse")
            for s in post_ingest.registered()
        ]
    else:
        steps += run_post_ingest(ctx, results)
    if status == "ok" and any(s.status == "failed" for s in steps):
        status = "partial"
    runs.finish_run(run_id, status, runs.modules_json(results), skipped, steps)
    return RunReport(run_id, status, results, skipped, ctx, steps, driver.bookmarks())
