"""HTTP load on the cached dashboard widgets (and exposure endpoints when they exist), with wrk.

    .venv/bin/python bench/load_widgets.py [--duration 60] [--clients 16,64] [--workers 2]

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


def ensure_data() -> None:
    if driver.read("MATCH (r:IngestRun {status: 'ok'}) RETURN count(r) AS n")[0]["n"]:
        return
    from ingest.sample import generate
    from pipeline.run import ingest_snapshot
    from queries import catalogue, findings
    from queries import runner as controls_runner

    with tempfile.TemporaryDirectory(prefix="invgraph-load-") as tmp:
        generate(Path(tmp), scale=1.0, days=2, seed=42)
        for day in ("day-01", "day-02"):
            print(f"ingesting sample {day} …", flush=True)
            ingest_snapshot(Path(tmp) / day)
    target = controls_runner.latest_target()
    findings.record_run(controls_runner.run_controls(catalogue.load_catalogue(), target), target)


def start_api(port: int, workers: int) -> subprocess.Popen[bytes]:
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
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ})
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


def write_results(
    rows: list[tuple[str, dict[str, float]]], args: argparse.Namespace, notes: list[str]
) -> None:
    lines = [
        SECTION,
        "",
        f"`bench/load_widgets.py` on {platform.node() or 'this machine'}: {os.cpu_count()} CPUs, "
        "load average "
        f"{os.getloadavg()[0]:.1f} at the end (shared machine: other Neo4j servers and test suites ran "
        f"concurrently). uvicorn --workers {args.workers} --http httptools --loop uvloop, wrk -t "
        f"{args.threads} on loopback, {args.duration} s per run, every widget path in turn.",
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
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
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
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    with neo4j_for_bench():
        ensure_data()
        key = apikeys.create_key("bench-load", "viewer")[1]
        headers = {"Authorization": f"Bearer {key}"}
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        api = start_api(port, args.workers)
        try:
            scenarios = [("cached widgets", [f"/api/v1/widgets/{n}" for n in WIDGETS])]
            if httpx.get(f"{base}/api/v1/exposure/paths", headers=headers, timeout=60).status_code == 200:
                scenarios.append(("exposure paths", ["/api/v1/exposure/paths"]))
            notes = [] if len(scenarios) > 1 else ["Exposure endpoints: not present yet (404), not measured."]
            rows = []
            for name, paths in scenarios:
                warm(base, paths, headers, args.workers)
                for clients in (int(c) for c in args.clients.split(",")):
                    r = run_wrk(base, paths, key, clients, args.duration, args.threads)
                    print(
                        f"{name:16} {clients:3d} clients: {r['rps']:8,.0f} req/s  "
                        f"p50 {r['p50_ms']:6.1f} ms  "
                        f"p95 {r['p95_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  errors {r['errors']:.0f}",
                        flush=True,
                    )
                    rows.append((name, r))
            metrics = httpx.get(f"{base}/metrics", headers=headers).text
            marker = sum(
                float(ln.split()[-1])
                for ln in metrics.splitlines()
                if ln.startswith("invgraph_widget_run_marker_reads_total")
            )
            notes.append(
                f"Run-marker queries seen by the worker that answered /metrics: {marker:.0f} "
                "(one per 1.5 s at most, whatever the request rate)."
            )
            if not args.no_write:
                write_results(rows, args, notes)
                print(f"wrote {RESULTS.relative_to(REPO)}")
        finally:
            api.terminate()
            api.wait(timeout=30)


if __name__ == "__main__":
    main()
