"""Benchmark: the privileges post-ingest step on a ~100k-asset sample (graph path, real Neo4j).

Ingests day 1 of ``ingest.sample.generate(..., scale=200)`` with the step registered, then day 2, and
prints the step's own time (read from the graph, engine, writes) per day, how many principals it
evaluated and how many records it wrote (day 2 writes only what changed), plus peak RSS.

    .venv/bin/python bench/bench_privileges_graph.py [--scale 200] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.privileges.steps import LAST_REPORT  # noqa: E402
from bench.common import counts, neo4j_for_bench, peak_rss_mb, wipe  # noqa: E402
from graph import driver  # noqa: E402
from ingest.sample import generate  # noqa: E402
from pipeline.run import ingest_snapshot  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=200.0)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="reuse / keep the sample folder here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="invgraph-bench-priv-"))
    if not (folder / "planted.json").exists():
        start = time.perf_counter()
        generate(folder, scale=args.scale, days=args.days)
        print(f"sample scale={args.scale} generated in {time.perf_counter() - start:.0f}s")
    with neo4j_for_bench():
        wipe()
        for day in range(1, args.days + 1):
            start = time.perf_counter()
            report = ingest_snapshot(folder / f"day-{day:02d}")
            total = time.perf_counter() - start
            step = LAST_REPORT[0]
            nodes, rels = counts()
            records = driver.read("MATCH (r:PrincipalPermissions) RETURN count(r) AS n")[0]["n"]
            print(
                f"day {day}: run={report.run_id} status={report.status} graph nodes={nodes} rels={rels} "
                f"ingest_total={total:.0f}s privileges_step={step.seconds:.1f}s "
                f"principals={step.principals} written={step.changed} removed={step.removed} "
                f"records_total={records}"
            )
    print(f"peak_rss={peak_rss_mb():.0f} MB (benchmark process; Neo4j runs separately)")


if __name__ == "__main__":
    main()
