"""Roadmap scorecard and CSV round trip: how long `GET /api/v1/roadmap` and `invgraph roadmap import|export`
take on a history of control runs, beside the "Control pass rates" widget reading the same runs.

    .venv/bin/python bench/bench_roadmap.py [--runs 30] [--failing 20] [--assets 15] [--tasks 1000]

Uses NEO4J_URI when set, else a throw-away embedded Neo4j. Writes `--runs` control runs of the whole catalogue
with the real run writer (queries.findings.record_run): `--failing` controls fail on `--assets` assets each,
the rest pass. Then times (median of 5): the scorecard over the last 10 runs, the control pass-rate widget
over the same 10 runs (the reference: the dashboard's existing read of the same history), parsing and storing
a `--tasks`-row roadmap CSV, and exporting it with evidence from the last 3 runs. Figures go to stdout; copy
them to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from api.widgets.cache import read_marker  # noqa: E402
from api.widgets.findings import control_pass_rates  # noqa: E402
from bench.common import neo4j_for_bench, wipe  # noqa: E402
from queries.catalogue import load_catalogue  # noqa: E402
from queries.findings import record_run  # noqa: E402
from queries.roadmap.scorecard import build_scorecard  # noqa: E402
from queries.roadmap.service import export, import_csv  # noqa: E402
from queries.runner import ControlResult, EvaluationTarget  # noqa: E402


def median_ms(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def history(runs: int, failing: int, assets: int) -> None:
    catalogue = load_catalogue()
    controls = list(catalogue)
    target = EvaluationTarget(None, 1_700_000_000)
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(runs):
        # The failing set shifts by one control per run, so levels and statuses move over the history.
        bad = {c.id for c in controls[i % 7 : i % 7 + failing]}
        results = [
            ControlResult(
                c,
                "fail" if c.id in bad else "pass",
                assets * 2,
                [
                    {
                        "asset_id": f"{c.id}/{n}",
                        "asset_name": f"a{n}",
                        "label": "X",
                        "scope": "acct",
                        "reason": "r",
                    }
                    for n in range(assets)
                ]
                if c.id in bad
                else [],
            )
            for c in controls
        ]
        record_run(results, target, t0 + timedelta(days=i))


def roadmap_csv(tasks: int, path: Path) -> None:
    domains = ["Architecture", "Verification", "Policies & Standards", "Monitoring & Alerting"]
    ccm = ["IVS-03", "IVS-04", "CEK-03", "LOG-08", "IAM-14"]
    lines = ["Domain,Control,Task,Description,Status,Priority,Layer,CSA CCM,Owner"]
    for i in range(tasks):
        lines.append(
            f'{domains[i % 4]},Area {i % 9},Task {i},"Do the thing, step {i}",IN PROGRESS,{i % 5 + 1},'
            f"{['Cloud provider', 'Kubernetes', 'Both'][i % 3]},{ccm[i % 5]},team-{i % 11}"
        )
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--failing", type=int, default=20)
    p.add_argument("--assets", type=int, default=15)
    p.add_argument("--tasks", type=int, default=1000)
    args = p.parse_args()
    with neo4j_for_bench(heap="1g", pagecache="256m") as uri:
        del uri  # throwaway.neo4j_uri points the settings at it
        wipe()
        start = time.perf_counter()
        history(args.runs, args.failing, args.assets)
        print(
            f"history: {args.runs} control runs × {len(load_catalogue())} controls, {args.failing} failing "
            f"on {args.assets} assets each, written in {time.perf_counter() - start:.1f} s"
        )
        catalogue = load_catalogue()
        score = median_ms(lambda: build_scorecard(runs=10, catalogue=catalogue))
        marker = read_marker()
        widget = median_ms(lambda: control_pass_rates(marker, runs=10))
        print(f"scorecard, last 10 runs (build_scorecard):            {score:8.1f} ms (median of 5)")
        print(f"reference: control pass-rate widget, same 10 runs:    {widget:8.1f} ms (median of 5)")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "roadmap.csv"
            roadmap_csv(args.tasks, path)
            imp = median_ms(lambda: import_csv(path, catalogue), repeat=3)
            exp = median_ms(lambda: export("csv", 3, catalogue), repeat=3)
        print(f"roadmap import, {args.tasks} tasks (parse + store):      {imp:8.1f} ms (median of 3)")
        print(f"roadmap export, {args.tasks} tasks, evidence of 3 runs:  {exp:8.1f} ms (median of 3)")


if __name__ == "__main__":
    main()
