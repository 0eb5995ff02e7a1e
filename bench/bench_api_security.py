"""Issue 15 benchmark: what application state in its own database and the security bounds cost.

Prints, in one run and beside their references:
  1. key verification on a cache miss: the application database (SQLite, and PostgreSQL from Debian's
     `postgresql` binaries, tests/postgres_server.py) against the lookup it replaced, an indexed
     `MATCH (k:ApiKey {prefix: $p})` in Neo4j;
  2. `/api/v1/health` latency on a live uvicorn while nothing runs and while analysts send a stream of
     refused, cost-refused and timed-out Cypher queries, against the 100 ms p95 target;
  3. the time to refuse a cartesian product by its EXPLAIN estimate, against running it until the timeout;
  4. scoped keys (the #15 remainder): each widget computed (a cache miss) for an unscoped key and for a key
     scoped to one account, its cluster and one GCP project, on a generated sample ingested for real; plus
     exposure paths and drift, the two heaviest filtered endpoints.

    python bench/bench_api_security.py [--verifications 300] [--seconds 20] [--sections 1234]
                                       [--scale 0.2] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("INVGRAPH_APP_DB_URL", f"sqlite:///{tempfile.mkdtemp(prefix='bench-appdb-')}/app.db")
os.environ["INVGRAPH_RATE_LIMITS_ENABLED"] = "false"

import httpx  # noqa: E402

from appdb import engine  # noqa: E402
from appdb import keys as apikeys  # noqa: E402
from bench.common import neo4j_for_bench  # noqa: E402
from config import set_settings  # noqa: E402
from graph import driver  # noqa: E402


def _ms(values: list[float]) -> str:
    p95 = statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)
    return f"p50 {statistics.median(values) * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   (n={len(values)})"


def _verify_times(n: int) -> list[float]:
    tokens = [apikeys.create_key(f"bench-{i}", "viewer")[1] for i in range(50)]
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        assert apikeys.verify(tokens[i % len(tokens)]) is not None
        out.append(time.perf_counter() - t0)
    return out


def bench_verify(n: int) -> None:
    print("1. key verification on a cache miss")
    print(f"   SQLite (default)       {_ms(_verify_times(n))}")
    from tests.postgres_server import postgres_url

    try:
        with postgres_url("bench", prefix="bench-pg-") as url:
            os.environ["INVGRAPH_APP_DB_URL"] = url
            set_settings(None)
            print(f"   PostgreSQL             {_ms(_verify_times(n))}")
    finally:
        engine.dispose_all()
    driver.write(
        "CREATE CONSTRAINT bench_apikey_prefix IF NOT EXISTS FOR (k:BenchApiKey) REQUIRE k.prefix IS UNIQUE"
    )
    driver.write("UNWIND range(1, 50) AS i CREATE (:BenchApiKey {prefix: toString(i), hash: 'x'})")
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        driver.read("MATCH (k:BenchApiKey {prefix: $p}) RETURN k.hash AS h", {"p": str(i % 50 + 1)})
        out.append(time.perf_counter() - t0)
    print(f"   reference: Neo4j index {_ms(out)}   (the lookup keys used before)")


def bench_health(neo4j_uri: str, seconds: float) -> None:
    from tests.api.live_server import live_api

    driver.write("UNWIND range(1, 500) AS i CREATE (:Runaway {i: i})")
    _, token = apikeys.create_key("bench-analyst", "analyst")
    queries = [
        "CREATE (n)",
        "MATCH (a),(b),(c) RETURN a, b, c",
        "MATCH p=(a)-[*]->(b) RETURN p",
        "UNWIND range(1, 1000000000) AS i WITH i WHERE i < 0 RETURN i",
        "MATCH (n) RETURN n LIMIT 5",
    ]
    with (
        live_api(neo4j_uri, INVGRAPH_CYPHER_TIMEOUT_S="3") as base,
        httpx.Client(base_url=base) as h,
        httpx.Client(base_url=base, timeout=60) as c,
    ):

        def probe(stop_after: float) -> list[float]:
            out, end = [], time.monotonic() + stop_after
            while time.monotonic() < end:
                t0 = time.perf_counter()
                assert h.get("/api/v1/health").status_code == 200
                out.append(time.perf_counter() - t0)
                time.sleep(0.05)
            return out

        print("2. GET /api/v1/health on a live uvicorn (reference: p95 < 100 ms)")
        print(f"   idle                   {_ms(probe(seconds / 2))}")
        stop, sent = threading.Event(), [0]

        def attack() -> None:
            while not stop.is_set():
                c.post(
                    "/api/v1/cypher",
                    json={"query": queries[sent[0] % len(queries)]},
                    headers={"Authorization": f"Bearer {token}"},
                )
                sent[0] += 1

        worker = threading.Thread(target=attack, daemon=True)
        worker.start()
        busy = probe(seconds)
        stop.set()
        worker.join(15)
        print(f"   under attack           {_ms(busy)}   ({sent[0]} Cypher attempts meanwhile)")


def bench_cost_refusal() -> None:
    from api.cypher_exec import Limits, explain_check, run_read
    from api.cypher_guard import CypherRefused
    from api.errors import ApiError

    query = "MATCH (a),(b),(c) WHERE a.i + b.i + c.i < 0 RETURN count(*)"
    explain_check(query, {}, 60)  # plan once so both sides below start from a cached plan
    t0 = time.perf_counter()
    try:
        explain_check(query, {}, 10, Limits(10, 1e8, 10))
    except CypherRefused as exc:
        refused = time.perf_counter() - t0
        print("3. a 502-node three-way cartesian product")
        print(f"   refused by the cost budget in {refused * 1000:.1f} ms: {exc.message[:90]}…")
    t0 = time.perf_counter()
    try:
        run_read(query, {}, 10, 5.0)
        outcome = "finished"
    except ApiError as exc:
        outcome = exc.code
    print(f"   reference: run with a 5 s timeout → {outcome} after {time.perf_counter() - t0:.1f} s")


def _p50(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_scoped(scale: float, repeat: int) -> None:
    from analysis.exposure.paths import find_paths
    from api.widgets import WIDGETS
    from api.widgets.cache import read_marker
    from history.drift import Filters
    from ingest.sample import generate
    from pipeline.run import ingest_snapshot
    from queries import catalogue, findings
    from queries import runner as controls_runner
    from queries.drift import drift

    sample = Path(tempfile.mkdtemp(prefix="bench-scoped-"))
    manifest = generate(sample, accounts=2, clusters=2, scale=scale, days=2, seed=7, gcp_projects=2)
    t0 = time.perf_counter()
    for day in ("day-01", "day-02"):
        ingest_snapshot(sample / day)
    target = controls_runner.latest_target()
    findings.record_run(controls_runner.run_controls(catalogue.load_catalogue(), target), target)
    nodes = driver.read("MATCH (n) RETURN count(n) AS n")[0]["n"]
    account = manifest["accounts"][0]["account_id"]
    cluster = next(c["name"] for c in manifest["clusters"] if c["account_id"] == account)
    project = driver.read("MATCH (p:GCPProject) RETURN max(p.id) AS id")[0]["id"]
    allowed = sorted(x for x in (account, cluster, project) if x)
    print(
        f"4. scoped keys: sample scale {scale}, 2 days, {nodes:,} nodes (loaded in "
        f"{time.perf_counter() - t0:.0f} s); scoped to {allowed}"
    )
    print(f"   median of {repeat} cache-miss computations each   unscoped      scoped    scoped/unscoped")
    marker = read_marker()
    rows = [
        (f"widget {w.name}", (lambda w=w, a=None: w.compute(marker, allowed=a))) for w in WIDGETS.values()
    ]
    rows += [
        ("GET /exposure/paths (limit 20)", lambda a=None: find_paths(limit=20, allowed=a)),
        (
            "GET /drift (latest vs previous)",
            lambda a=None: drift(filters=Filters(allowed=tuple(a) if a is not None else None)),
        ),
    ]
    for name, fn in rows:
        fn()  # warm the plan cache for both texts
        fn(a=allowed)
        full = _p50(fn, repeat)
        scoped = _p50(lambda fn=fn: fn(a=allowed), repeat)
        print(f"   {name:<40} {full * 1000:9.1f} ms {scoped * 1000:9.1f} ms   {scoped / full:6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verifications", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--sections", default="1234", help="Which of the sections 1-4 to run.")
    parser.add_argument("--scale", type=float, default=0.2, help="Sample scale for section 4.")
    parser.add_argument("--repeat", type=int, default=5, help="Computations per widget in section 4.")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with neo4j_for_bench(heap="1g", pagecache="256m") as uri:
        os.environ["NEO4J_URI"] = uri
        if "1" in args.sections:
            bench_verify(args.verifications)
        os.environ["INVGRAPH_APP_DB_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='bench-appdb-')}/app.db"
        set_settings(None)
        if "2" in args.sections:
            bench_health(uri, args.seconds)
        if "3" in args.sections:
            bench_cost_refusal()
        if "4" in args.sections:
            bench_scoped(args.scale, args.repeat)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
