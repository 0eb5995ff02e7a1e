"""HTTP load on the cached dashboard widgets and exposure paths, with wrk.

    .venv/bin/python bench/load_widgets.py [--duration 60] [--clients 16,64] [--workers 2]
        [--replicas 1,2] [--reference DIR] [--scale 1.0] [--section "## API load"]

`--replicas 1,2` measures each scenario with one API process and with two (each with `--workers`), the
clients split evenly over them by one wrk per replica (what a load balancer in front would do; req/s summed,
p50 the mean and p95 / p99 the worst of the replicas). `--reference DIR` also starts the API from another
checkout (e.g. `git archive` of main into a folder) against the same graph and measures it in the same run,
so the figures stand beside today's. Rate limits are off (one key sends everything).

Needs `wrk` (Debian: `apt-get install -y wrk`). Uses NEO4J_URI when set, else a throw-away embedded Neo4j;
an empty graph first gets a generated 2-day sample (scale 1) and one control run. The API runs under uvicorn
(`--workers`, httptools, uvloop, no access log) on a free loopback port; wrk runs in a second process and a
Lua script sends `Authorization: Bearer <viewer key>`, cycling over every widget path. Each worker's cache is
warmed first, so the numbers are those of cached answers. Figures go to stdout and to bench/RESULTS.md under
"## API load" (replacing that section, leaving the others).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ["INVGRAPH_RATE_LIMITS_ENABLED"] = "false"

from api.widgets import WIDGETS  # noqa: E402
from appdb import keys as apikeys  # noqa: E402
from bench.common import neo4j_for_bench  # noqa: E402
from graph import driver  # noqa: E402
from graph.embedded.server import free_port  # noqa: E402

RESULTS = REPO / "bench" / "RESULTS.md"
SECTION = "## API load"

# wrk calls request() for every request; done() prints one JSON line the script parses.
LUA = """
local paths = {%(paths)s}
local i = 0
wrk.headers["Authorization"] = "Bearer %(key)s"
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, '
    .. '"write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def ensure_data(scale: float = 1.0) -> None:
    if driver.read("MATCH (r:IngestRun {status: 'ok'}) RETURN count(r) AS n")[0]["n"]:
        return
    from ingest.sample import generate
    from pipeline.run import ingest_snapshot
    from queries import catalogue, findings
    from queries import runner as controls_runner

    with tempfile.TemporaryDirectory(prefix="invgraph-load-") as tmp:
        generate(Path(tmp), scale=scale, days=2, seed=42)
        for day in ("day-01", "day-02"):
            print(f"ingesting sample {day} …", flush=True)
            ingest_snapshot(Path(tmp) / day)
    target = controls_runner.latest_target()
    findings.record_run(controls_runner.run_controls(catalogue.load_catalogue(), target), target)


def start_api(port: int, workers: int, cwd: Path = REPO) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--http",
        "httptools",
        "--loop",
        "uvloop",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    # `python -m` puts the working directory first on sys.path: the API is the code of `cwd`.
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("the API did not start within 120 s")


def warm(base: str, paths: list[str], headers: dict[str, str], workers: int) -> None:
    """Every worker computes each widget once; connections land on workers at random, so ask often."""
    with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
        for _ in range(20 * workers):
            for p in paths:
                r = client.get(p)
                r.raise_for_status()


def run_wrk(
    base: str, paths: list[str], key: str, clients: int, duration: int, threads: int
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "key": key})
        script = f.name
    try:
        cmd = [
            "wrk",
            "-t",
            str(min(threads, clients)),
            "-c",
            str(clients),
            "-d",
            f"{duration}s",
            "--timeout",
            "10s",
            "-s",
            script,
            base,
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    finally:
        os.unlink(script)
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "clients": clients,
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": errors,
        "non_2xx": raw["status"],
    }


def run_wrk_replicas(
    bases: list[str], paths: list[str], key: str, clients: int, duration: int, threads: int
) -> dict[str, float]:
    """One wrk per replica at the same time, the clients split evenly; figures combined (module docstring)."""
    from concurrent.futures import ThreadPoolExecutor

    share = max(1, clients // len(bases))
    with ThreadPoolExecutor(len(bases)) as pool:
        parts = list(pool.map(lambda b: run_wrk(b, paths, key, share, duration, threads), bases))
    return {
        "clients": share * len(bases),
        "requests": sum(p["requests"] for p in parts),
        "rps": sum(p["rps"] for p in parts),
        "p50_ms": sum(p["p50_ms"] for p in parts) / len(parts),
        "p95_ms": max(p["p95_ms"] for p in parts),
        "p99_ms": max(p["p99_ms"] for p in parts),
        "errors": sum(p["errors"] for p in parts),
        "non_2xx": sum(p["non_2xx"] for p in parts),
    }


def write_results(
    rows: list[tuple[str, dict[str, float]]], args: argparse.Namespace, notes: list[str]
) -> None:
    lines = [
        args.section,
        "",
        f"`bench/load_widgets.py` on {platform.node() or 'this machine'}: {os.cpu_count()} CPUs, "
        "load average "
        f"{os.getloadavg()[0]:.1f} at the end (shared machine: other Neo4j servers and test suites ran "
        f"concurrently). uvicorn --workers {args.workers} --http httptools --loop uvloop, wrk -t "
        f"{args.threads} on loopback, {args.duration} s per run, every widget path in turn; sample scale "
        f"{args.scale:g}.",
        "",
        "| endpoints | clients | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['clients']:.0f} | {r['rps']:,.0f} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']:.0f} |"
        )
    lines += ["", *notes, ""]
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    pattern = re.compile(rf"^{re.escape(args.section)}\n.*?(?=^## |\Z)", re.S | re.M)
    section = "\n".join(lines) + "\n"
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--clients", default="16,64")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    parser.add_argument("--replicas", default="1", help="API processes to compare, e.g. 1,2")
    parser.add_argument("--reference", type=Path, help="another checkout measured in the same run")
    parser.add_argument("--scale", type=float, default=1.0, help="sample scale when the graph is empty")
    parser.add_argument("--section", default=SECTION, help="RESULTS.md heading to (re)write")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    with neo4j_for_bench():
        ensure_data(args.scale)
        key = apikeys.create_key("bench-load", "viewer")[1]
        headers = {"Authorization": f"Bearer {key}"}
        setups = [(f"{n} replica{'s' if n > 1 else ''}", REPO, n) for n in map(int, args.replicas.split(","))]
        if args.reference:
            setups.insert(0, ("reference (today), 1 replica", args.reference.resolve(), 1))
        rows, notes = [], []
        for label, tree, count in setups:
            ports = [free_port() for _ in range(count)]
            apis = [start_api(port, args.workers, tree) for port in ports]
            bases = [f"http://127.0.0.1:{port}" for port in ports]
            try:
                scenarios = [("cached widgets", [f"/api/v1/widgets/{n}" for n in WIDGETS])]
                probe = httpx.get(f"{bases[0]}/api/v1/exposure/paths", headers=headers, timeout=120)
                if probe.status_code == 200:
                    scenarios.append(("exposure paths", ["/api/v1/exposure/paths"]))
                else:
                    notes.append(f"{label}: exposure paths answered {probe.status_code}, not measured.")
                for name, paths in scenarios:
                    for base in bases:
                        warm(base, paths, headers, args.workers)
                    for clients in (int(c) for c in args.clients.split(",")):
                        r = run_wrk_replicas(bases, paths, key, clients, args.duration, args.threads)
                        print(
                            f"{label:30} {name:16} {clients:3d} clients: {r['rps']:8,.0f} req/s  "
                            f"p50 {r['p50_ms']:6.1f} ms  p95 {r['p95_ms']:6.1f} ms  "
                            f"p99 {r['p99_ms']:6.1f} ms  errors {r['errors']:.0f}",
                            flush=True,
                        )
                        rows.append((f"{label}: {name}", r))
                metrics = httpx.get(f"{bases[0]}/metrics", headers=headers).text
                marker = sum(
                    float(ln.split()[-1])
                    for ln in metrics.splitlines()
                    if ln.startswith("invgraph_widget_run_marker_reads_total")
                )
                notes.append(
                    f"{label}: run-marker queries seen by the worker that answered /metrics: {marker:.0f} "
                    "(one per 1.5 s at most, whatever the request rate)."
                )
            finally:
                for api in apis:
                    api.terminate()
                    api.wait(timeout=30)
        if not args.no_write:
            write_results(rows, args, notes)
            print(f"wrote {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
