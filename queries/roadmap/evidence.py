"""Per-control verdicts of the last control runs, as the scorecard and the roadmap export read them.

A control's state in a run is one of:
  pass        it passed on at least one evaluated asset
  documented  it failed, but every finding it raised in that run is muted or accepted (a documented risk)
  fail        at least one undocumented finding
  unknown     undecided: the data it needs was not collected
  error       its query failed
  n/a         it passed with nothing to evaluate (no assets of its kind): no evidence either way
  not run     the run did not include it (a `controls run --id …` subset)

Mutes and acceptances are read as they stand now (a suppression has no history of its own), so the trend
applies today's suppressions to older runs too. Informational controls (severity ``info``: inventories, not
verdicts) are left out by the scorecard, not here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from neo4j import Driver

from graph import driver as graph_driver

PASSING = frozenset({"pass", "documented"})
NO_EVIDENCE = frozenset({"n/a", "not run"})

_RUNS = """
MATCH (r:ControlRun)
WITH r ORDER BY r.at DESC LIMIT $limit
MATCH (r)-[:HAS_RESULT]->(c:ControlResult)
RETURN r.id AS run_id, toString(r.at) AS at, r.ingest_run_id AS ingest_run_id, c.control_id AS control_id,
       c.status AS status, coalesce(c.evaluated, 0) AS evaluated, coalesce(c.failed, 0) AS failed
ORDER BY r.at, r.id
"""
# Findings seen per run and control, and how many of them are muted or accepted today.
_FINDINGS = """
MATCH (r:ControlRun)
WITH r ORDER BY r.at DESC LIMIT $limit
MATCH (r)<-[:SEEN_IN]-(f:Finding)
RETURN r.id AS run_id, f.control_id AS control_id, count(*) AS seen, count(f.suppression) AS documented
"""


@dataclass(frozen=True)
class Verdict:
    control_id: str
    state: str
    evaluated: int = 0
    failed: int = 0  # assets failing in that run
    open_findings: int = 0  # failing and not muted / accepted

    @property
    def passing(self) -> bool:
        return self.state in PASSING


@dataclass
class RunEvidence:
    run_id: str
    at: str
    ingest_run_id: str | None
    verdicts: dict[str, Verdict] = field(default_factory=dict)


def _state(status: str, evaluated: int, seen: int, documented: int) -> str:
    if status == "pass":
        return "pass" if evaluated > 0 else "n/a"
    if status == "fail" and seen > 0 and documented >= seen:
        return "documented"
    return status


def _read(driver: Driver | None, query: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    if driver is None:
        return graph_driver.read(query, params)
    with driver.session(database=graph_driver.database_name(), default_access_mode="READ") as s:
        return s.execute_read(lambda tx: [r.data() for r in tx.run(query, dict(params))])


def recent_runs(driver: Driver | None = None, limit: int = 10) -> list[RunEvidence]:
    """The last ``limit`` control runs, oldest first, each with a verdict per control it ran."""
    rows = _read(driver, _RUNS, {"limit": limit})
    counts = {
        (r["run_id"], r["control_id"]): (r["seen"], r["documented"])
        for r in _read(driver, _FINDINGS, {"limit": limit})
    }
    runs: dict[str, RunEvidence] = {}
    for r in rows:
        run = runs.setdefault(r["run_id"], RunEvidence(r["run_id"], r["at"], r["ingest_run_id"]))
        seen, documented = counts.get((r["run_id"], r["control_id"]), (0, 0))
        run.verdicts[r["control_id"]] = Verdict(
            r["control_id"],
            _state(r["status"], r["evaluated"], seen, documented),
            r["evaluated"],
            r["failed"],
            max(seen - documented, 0),
        )
    return list(runs.values())


def carried(runs: list[RunEvidence]) -> list[dict[str, Verdict]]:
    """For each run, every control's newest verdict up to that run: a run of a subset of the controls
    (`controls run --id …`) does not make the others vanish from the scorecard."""
    out: list[dict[str, Verdict]] = []
    current: dict[str, Verdict] = {}
    for run in runs:
        current = {**current, **run.verdicts}
        out.append(current)
    return out
