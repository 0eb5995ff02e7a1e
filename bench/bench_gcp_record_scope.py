"""Benchmark: what giving a GCP organization scan's change records their project costs (history/gcp_scope.py).

    .venv/bin/python bench/bench_gcp_record_scope.py [--projects 200]

Writes the generated GCP sample organization (ingest/sample/gcp.py) for two days, gives day 2 a label on every
bucket and removes every twentieth instance, and ingests both for real.
For each run it prints ``history.changes.record`` (the whole history step, measured by wrapping it) beside the
part spent on project scoping (``scope_rows`` + ``scope_removed_relationships``, wrapped the same way) and how
many records each scope got. Not a test: prints a table; bench/RESULTS.md records the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_gcp import write_days  # noqa: E402
from bench.common import neo4j_for_bench, wipe  # noqa: E402
from graph import driver  # noqa: E402
from history import changes  # noqa: E402


def _timed(fn: Callable[..., Any], into: list[float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            into.append(time.perf_counter() - t0)

    return wrapper


def mutate(day: Path, org: str) -> None:
    """Day 2 gets work for the scoping: a label on every bucket, every twentieth instance removed."""
    path = day / "gcp" / org / "cloudasset" / "resource.json"
    assets = json.loads(path.read_text())
    kept, instances = [], 0
    for a in assets:
        if a["assetType"] == "compute.googleapis.com/Instance":
            instances += 1
            if instances % 20 == 0:
                continue
        if a["assetType"] == "storage.googleapis.com/Bucket":
            data = a["resource"]["data"]
            data["labels"] = {**(data.get("labels") or {}), "bench": "day2"}
        kept.append(a)
    path.write_text(json.dumps(kept))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=200)
    args = parser.parse_args()
    from pipeline.run import ingest_snapshot

    record_s: list[float] = []
    scoping_s: list[float] = []
    changes.record = _timed(changes.record, record_s)  # type: ignore[assignment]
    changes.scope_rows = _timed(changes.scope_rows, scoping_s)  # type: ignore[assignment]
    changes.scope_removed_relationships = _timed(changes.scope_removed_relationships, scoping_s)  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp, neo4j_for_bench():
        days, org = write_days(Path(tmp), args.projects)
        mutate(days[1], org)
        wipe()
        print(f"GCP organization {org}, {args.projects} projects, 2 days")
        print(
            f"{'run':<6}{'records':>10}{'project-scoped':>16}{'org-scoped':>12}"
            f"{'record() s':>12}{'scoping s':>11}{'share':>8}"
        )
        for i, day in enumerate(days, start=1):
            record_s.clear()
            scoping_s.clear()
            report = ingest_snapshot(day)
            rows = driver.read(
                "MATCH (c:AssetChange {run_id: $run}) RETURN c.scope = $org AS org, count(*) AS n",
                {"run": report.run_id, "org": org},
            )
            org_n = sum(r["n"] for r in rows if r["org"])
            total = sum(r["n"] for r in rows)
            rec, scoping = sum(record_s), sum(scoping_s)
            print(
                f"day {i:<2}{total:>10,}{total - org_n:>16,}{org_n:>12,}{rec:>12.2f}{scoping:>11.3f}"
                f"{scoping / rec if rec else 0:>8.1%}"
            )
        print("reference: record() is the whole history step of the run (the scoping is part of it)")


if __name__ == "__main__":
    main()
