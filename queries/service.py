"""One control run end to end: select controls, evaluate them, store the run and findings, build the report.

The CLI and the tests (and later the API) call this; it owns no formatting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph import driver
from queries.catalogue import Catalogue, load_catalogue
from queries.findings import findings_for, record_run
from queries.models import Control
from queries.report import build_report
from queries.runner import ControlResult, latest_target, run_controls


@dataclass
class RunOutcome:
    run_id: str
    results: list[ControlResult]
    report: dict[str, Any]
    stored: dict[str, list[dict[str, Any]]]


def load_validated() -> Catalogue:
    """The catalogue, checked statically and by Neo4j (EXPLAIN of every query) before anything runs."""
    with driver.session(read_only=True) as session:
        return load_catalogue(session=session)


def select(catalogue: Catalogue, ids: Iterable[str] = (), severities: Iterable[str] = ()) -> list[Control]:
    ids, severities = list(ids), {s.lower() for s in severities}
    controls = [catalogue.get(i) for i in ids] if ids else list(catalogue)
    return [c for c in controls if not severities or c.meta.severity.value in severities]


def execute(
    controls: list[Control],
    ingest_run_id: str | None = None,
    now: int | None = None,
    at: datetime | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
) -> RunOutcome:
    target = latest_target(ingest_run_id, now)
    results = run_controls(controls, target, overrides)
    run_id = record_run(results, target, at)
    stored = findings_for(run_id)
    return RunOutcome(run_id, results, build_report(run_id, results, stored), stored)
