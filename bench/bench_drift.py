"""Benchmark: history recording, drift and the `history snapshot` full pass on a ~100k-asset graph.

    .venv/bin/python -m bench.bench_drift [--scale 200] [--out /tmp/invgraph-bench-drift]

Steps: generate the sample (1 day) at ``scale``; ingest it (run 1); copy the snapshot and mutate 1% of the
EC2 instances / security groups / volumes (instance type, a tag-like Name change, an SG rule port, volume
size) and ingest (run 2); the same with 10% (run 3). For each ingest it prints the time of
``history.changes.record`` (measured by wrapping it) and of drift for the pair; then the full snapshot pass
twice (baseline, then a no-change pass) on the same graph. Not a test: prints a table.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

# `make bench` runs `python bench/bench_drift.py`: the repository root must be importable as well.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import counts, neo4j_for_bench, peak_rss_mb, wipe  # noqa: E402


def _mutate(src: Path, dst: Path, fraction: float, seed: int) -> int:
    """Copy ``src`` to ``dst`` and change ``fraction`` of instances, SGs and volumes; returns the count."""
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    rng = random.Random(seed)
    changed = 0
    for path in dst.glob("aws/*/*/ec2/describe-instances.json"):
        data = json.loads(path.read_text())
        for res in data["Reservations"]:
            for inst in res["Instances"]:
                if rng.random() < fraction:
                    inst["InstanceType"] = (
                        "m7i.4xlarge" if inst.get("InstanceType") != "m7i.4xlarge" else "t3.nano"
                    )
                    changed += 1
        path.write_text(json.dumps(data))
    for path in dst.glob("aws/*/*/ec2/describe-security-groups.json"):
        data = json.loads(path.read_text())
        for sg in data["SecurityGroups"]:
            if rng.random() < fraction:
                sg["Description"] = (sg.get("Description") or "") + " (edited)"
                changed += 1
        path.write_text(json.dumps(data))
    for path in dst.glob("aws/*/*/ec2/describe-volumes.json"):
        data = json.loads(path.read_text())
        for vol in data["Volumes"]:
            if rng.random() < fraction:
                vol["Size"] = int(vol.get("Size", 8)) + 1
                changed += 1
        path.write_text(json.dumps(data))
    return changed


def _ingest(folder: Path) -> tuple[str, float, float, dict[str, int]]:
    """Ingest; returns (run id, total seconds, history.record seconds, record counts)."""
    from history import changes as history
    from pipeline.run import ingest_snapshot

    spent: dict[str, Any] = {}
    original = history.record

    def timed(*args: Any, **kwargs: Any) -> dict[str, int]:
        t = time.perf_counter()
        out = original(*args, **kwargs)
        spent["s"], spent["counts"] = time.perf_counter() - t, out
        return out

    history.record = timed  # type: ignore[assignment]  (the pipeline calls changes.record through the module)
    try:
        t0 = time.perf_counter()
        report = ingest_snapshot(folder)
        return report.run_id, time.perf_counter() - t0, spent["s"], spent["counts"]
    finally:
        history.record = original  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=200)
    parser.add_argument("--out", type=Path, default=Path("/tmp/invgraph-bench-drift"))
    args = parser.parse_args()
    from history.snapshot import snapshot_pass
    from ingest.sample import generate
    from queries.drift import drift

    manifest = generate(args.out / "sample", scale=args.scale, days=1)
    day1 = args.out / "sample" / "day-01"
    print(f"sample: scale {args.scale}, {manifest['counts']['day-01']['total']} assets in the snapshot files")
    with neo4j_for_bench():
        wipe()
        rows = []
        run1, total, rec, c = _ingest(day1)
        nodes, rels = counts()
        print(f"graph after run 1: {nodes} nodes, {rels} relationships")
        rows.append(("run 1 (all new)", "-", total, rec, c, None))
        prev = run1
        for i, fraction in enumerate((0.01, 0.10), start=2):
            folder = args.out / f"mutated-{i}"
            n = _mutate(day1, folder, fraction, seed=i)
            run, total, rec, c = _ingest(folder)
            t = time.perf_counter()
            doc = drift(prev, run)
            d = time.perf_counter() - t
            size = sum(len(v) for v in doc["assets"].values())
            rows.append((f"run {i} ({fraction:.0%}: {n} items mutated)", size, total, rec, c, d))
            prev = run
        t = time.perf_counter()
        whole = drift(run1, prev)
        rows.append(
            (
                "drift run 1 -> 3 (folds 2 runs)",
                sum(len(v) for v in whole["assets"].values()),
                0,
                0,
                {},
                time.perf_counter() - t,
            )
        )
        print(
            f"{'step':44} {'drift assets':>12} {'ingest s':>9} {'history.record s':>17} "
            f"{'drift s':>8}  records"
        )
        for name, size, total, rec, c, d in rows:
            print(
                f"{name:44} {size!s:>12} {total:9.1f} {rec:17.2f} {'' if d is None else f'{d:8.2f}':>8}  {c}"
            )
        first = snapshot_pass()
        second = snapshot_pass()
        print(
            f"history snapshot, baseline pass: {first['seconds']} ({first['nodes']} nodes, "
            f"{first['relationships']} relationships)"
        )
        print(f"history snapshot, no-change pass: {second['seconds']} changes {second['changes']}")
        print(f"peak RSS of this process: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
