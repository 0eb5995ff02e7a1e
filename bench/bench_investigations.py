"""Issue 23 benchmark: the investigation library per query, guarded, against the same Cypher unguarded.

Every library investigation runs with the parameters of the first case of its expected.yaml (on the generated
sample, ingested for real: two days, AWS + Kubernetes + GCP) through `api.investigations.run_investigation` —
parameter binding, the lexical guard, the EXPLAIN plan check and the READ transaction with its limits, what
`POST /api/v1/queries/{id}/run` and `invgraph query run` do — and, as the reference in the same run, the same
text and parameters through a bare `driver.read`. Printed per investigation: rows, p50 of both, and the
guard's share; the bound every answer must stay under is the /cypher timeout (INVGRAPH_CYPHER_TIMEOUT_S).

    python bench/bench_investigations.py [--scale 0.2] [--repeat 5]
    NEO4J_URI=bolt://… python bench/bench_investigations.py --manifest SAMPLE/planted.json   # a loaded graph
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("INVGRAPH_APP_DB_URL", f"sqlite:///{tempfile.mkdtemp(prefix='bench-appdb-')}/app.db")

from api.investigations import library, run_investigation  # noqa: E402
from bench.common import neo4j_for_bench  # noqa: E402
from config import get_settings  # noqa: E402
from graph import driver  # noqa: E402
from queries.library import bind  # noqa: E402
from tests.queries.investigation_expect import placeholders, read_cases, read_expected  # noqa: E402


def _p50(fn, repeat: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def measure(manifest: dict, repeat: int) -> None:
    values = placeholders(manifest)
    settings = get_settings().api
    print(f"   bound: INVGRAPH_CYPHER_TIMEOUT_S = {settings.cypher_timeout_s:g} s per query")
    print(f"   {'investigation':42} {'rows':>5} {'guarded p50':>12} {'bare p50':>10} {'guard':>8}")
    total_guarded = total_bare = 0.0
    for inv in library():
        if "graph" in read_expected(inv.folder):
            continue  # its answer lives on a graph of its own, not on the sample
        params = read_cases(inv.folder, values)[0].get("parameters", {})
        rows = len(run_investigation(inv, params, settings).rows)
        guarded = _p50(lambda inv=inv, params=params: run_investigation(inv, params, settings), repeat)
        bound = bind(inv, params)
        bare = _p50(lambda inv=inv, bound=bound: driver.read(inv.query, bound), repeat)
        total_guarded, total_bare = total_guarded + guarded, total_bare + bare
        print(f"   {inv.id:42} {rows:5d} {guarded:9.1f} ms {bare:7.1f} ms {guarded - bare:+6.1f} ms")
    print(f"   {'all (sum of p50)':42} {'':5} {total_guarded:9.1f} ms {total_bare:7.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=0.2)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--manifest", type=Path, help="planted.json of a sample already loaded at NEO4J_URI")
    args = ap.parse_args()
    if args.manifest:
        print(f"investigation library on the loaded graph at {os.environ.get('NEO4J_URI')}")
        measure(json.loads(args.manifest.read_text()), args.repeat)
        return
    from ingest.sample import generate
    from pipeline.run import ingest_snapshot

    with neo4j_for_bench():
        out = Path(tempfile.mkdtemp(prefix="bench-investigations-"))
        try:
            manifest = generate(out, scale=args.scale, days=2, gcp_projects=1)
            for day in ("day-01", "day-02"):
                ingest_snapshot(out / day)
            print(f"investigation library on the sample, scale {args.scale}, 2 days, 1 GCP project")
            measure(manifest, args.repeat)
        finally:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
