"""Re-ingest cost, parallel scopes and memory (issue 19), the full loader's figure beside each in one run.

1. Generate the sample (default scale 20, 2 accounts, 1 cluster: about 68k nodes + 50k relationships),
   ingest day 1 into an empty graph.
2. Re-ingest the unchanged day 1 with the full loader (``INVGRAPH_INCREMENTAL_LOAD=false``: every row
   MERGEd again, the loader before issue 19) and with the incremental loader (goal <= 15 s).
3. "1 % changed": clear the stored fingerprint of a random 1 % of the loaded nodes, so their rows go through
   the MERGE again, and re-ingest incrementally (goal <= 25 s); then day 2 (the sample's planted drift).
4. ``--workers 1/2/4``: a first ingest into an empty graph with each, and an unchanged re-ingest.
5. Peak RSS of a whole ingest in a child process at 1, 2 and 4 accounts (same scale per account).

Each time is the whole run (load, history, post-ingest steps); "load" is the load phase alone.
Usage: python bench/bench_incremental.py [--scale 20] [--accounts 2] [--rss-scale 5] [--rss-accounts 1,2,4]
       [--skip-rss] [--skip-workers] [--only-rss]
Not a test: it prints figures; bench/RESULTS.md records them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import counts, neo4j_for_bench, peak_rss_mb, wipe  # noqa: E402
from config import Settings, set_settings  # noqa: E402
from config.sections import IngestSettings  # noqa: E402
from graph import driver  # noqa: E402
from graph.schema.cypher import load_fingerprint_property  # noqa: E402
from ingest import runner  # noqa: E402
from ingest.sample import generate  # noqa: E402
from pipeline.run import RunReport, ingest_snapshot  # noqa: E402


def run(day: Path, label: str, *, incremental: bool = True, workers: int = 1) -> float:
    set_settings(Settings(ingest=IngestSettings(incremental_load=incremental, ingest_workers=workers)))
    t0 = time.perf_counter()
    report: RunReport = ingest_snapshot(day)
    total = time.perf_counter() - t0
    load = total - sum(s.seconds for s in report.steps)
    nodes = sum(m.nodes for m in report.modules)
    unchanged = sum(m.unchanged for m in report.modules)
    print(
        f"  {label:<44} {total:7.1f} s  (load {load:6.1f} s)  status={report.status}  "
        f"rows {nodes:,}, rewritten {nodes - unchanged:,}",
        flush=True,
    )
    return total


def clear_fingerprints(share: float) -> int:
    """Forget the stored fingerprint of a random ``share`` of the nodes: their rows count as changed."""
    cleared = 0
    for schema in runner.all_schemas():
        prop = load_fingerprint_property(schema)
        rows = driver.write(
            f"MATCH (n:{schema.label}) WHERE n.{prop} IS NOT NULL AND rand() < $share "
            f"REMOVE n.{prop} RETURN count(n) AS c",
            {"share": share},
        )
        cleared += rows[0]["c"]
    return cleared


def rss_child(scale: float, accounts: int) -> None:
    """Child mode: generate, ingest once into the NEO4J_URI given, print peak RSS as JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), accounts=accounts, clusters=accounts, scale=scale, days=1)
        wipe()
        before = peak_rss_mb()
        t0 = time.perf_counter()
        report = ingest_snapshot(Path(tmp) / "day-01")
        nodes, rels = counts()
        print(
            json.dumps(
                {
                    "accounts": accounts,
                    "nodes": nodes,
                    "rels": rels,
                    "seconds": round(time.perf_counter() - t0, 1),
                    "status": report.status,
                    "rss_before_ingest_mb": round(before),
                    "peak_rss_mb": round(peak_rss_mb()),
                }
            )
        )


def rss_series(uri: str, scale: float, accounts_list: str) -> None:
    print(f"\npeak RSS of one whole ingest (child process, generator included), scale {scale} per account:")
    for accounts in (int(a) for a in accounts_list.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--rss-child", str(accounts), "--scale", str(scale)],
            capture_output=True,
            text=True,
            env={**os.environ, "NEO4J_URI": uri},
            check=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"  {accounts} account(s): {row['nodes']:,} nodes + {row['rels']:,} rels in {row['seconds']} s, "
            f"peak RSS {row['peak_rss_mb']} MB "
            f"(after generating, before ingest: {row['rss_before_ingest_mb']} MB)",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=20)
    ap.add_argument("--accounts", type=int, default=2)
    ap.add_argument("--rss-scale", type=float, default=5)
    ap.add_argument("--skip-rss", action="store_true")
    ap.add_argument("--rss-accounts", default="1,2,4", help="account counts of the peak-RSS series")
    ap.add_argument("--skip-workers", action="store_true")
    ap.add_argument("--only-rss", action="store_true", help="only the peak-RSS series")
    ap.add_argument("--rss-child", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rss_child:
        rss_child(args.scale, args.rss_child)
        return
    if args.only_rss:
        with neo4j_for_bench() as uri:
            rss_series(uri, args.rss_scale, args.rss_accounts)
        return
    with tempfile.TemporaryDirectory() as tmp, neo4j_for_bench() as uri:
        generate(Path(tmp), accounts=args.accounts, clusters=1, scale=args.scale, days=2)
        day1, day2 = Path(tmp) / "day-01", Path(tmp) / "day-02"
        wipe()
        print(f"sample scale {args.scale}, {args.accounts} accounts, 1 cluster")
        run(day1, "first ingest (empty graph)")
        nodes, rels = counts()
        print(f"  graph: {nodes:,} nodes + {rels:,} relationships")
        print("re-ingest of the unchanged day 1:")
        full = run(day1, "full loader (every row MERGEd; reference)", incremental=False)
        incr = run(day1, "incremental loader (goal <= 15 s)")
        print(f"  incremental / full = {incr / full:.2f}")
        cleared = clear_fingerprints(0.01)
        print(f"1 % changed ({cleared:,} fingerprints cleared):")
        run(day1, "incremental loader (goal <= 25 s)")
        clear_fingerprints(0.01)
        run(day1, "full loader, same (reference)", incremental=False)
        print("day 2 (the sample's planted drift) after day 1:")
        run(day2, "incremental loader")
        if not args.skip_workers:
            print("workers (first ingest into an empty graph, then an unchanged re-ingest):")
            for workers in (1, 2, 4):
                wipe()
                run(day1, f"--workers {workers}: first ingest", workers=workers)
                run(day1, f"--workers {workers}: unchanged re-ingest", workers=workers)
        print(f"peak RSS of the benchmark process: {peak_rss_mb():,.0f} MB")
        set_settings(None)
        if not args.skip_rss:
            rss_series(uri, args.rss_scale, args.rss_accounts)


if __name__ == "__main__":
    main()
