"""Ingestion throughput: invgraph's loader beside cartography's load() and a bare UNWIND … CREATE.

1. Generate a sample environment of about 100k assets (`invgraph sample`), ingest it end to end
   (get → transform → load → cleanup → history) and print nodes + relationships per second.
2. On the same Neo4j, the same EC2 instance rows three ways: our ``loader.load`` with our schema,
   cartography's ``load()`` with its ``EC2InstanceSchema`` (rows from cartography's own transform), and a
   bare ``UNWIND $rows AS r CREATE (n:BenchBare) SET n = r`` with no indexes and no relationships.

Usage: python bench/bench_ingest.py [--scale 200] [--accounts 2] [--clusters 1]
Not a test: it prints figures; bench/RESULTS.md records them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import counts, neo4j_for_bench, peak_rss_mb, wipe  # noqa: E402
from graph import driver  # noqa: E402
from graph.schema import loader  # noqa: E402
from graph.schema.aws.account import AWS_ACCOUNT  # noqa: E402
from graph.schema.aws.instance import EC2_INSTANCE, EC2_RESERVATION  # noqa: E402
from ingest.aws import instance as instance_module  # noqa: E402
from ingest.sample import generate  # noqa: E402
from ingest.sources.snapshot import Snapshot  # noqa: E402
from pipeline.run import ingest_snapshot  # noqa: E402


def full_ingest(day: Path) -> None:
    wipe()
    t0 = time.perf_counter()
    report = ingest_snapshot(day)
    elapsed = time.perf_counter() - t0
    nodes, rels = counts()
    history = driver.read("MATCH (c:AssetChange) RETURN count(c) AS c")[0]["c"]
    print(
        f"full ingest: status={report.status}, {nodes:,} nodes + {rels:,} relationships in {elapsed:.1f}s "
        f"= {(nodes + rels) / elapsed:,.0f} items/s (incl. {history:,} history records)"
    )
    t0 = time.perf_counter()
    ingest_snapshot(day)
    print(f"re-ingest of the same snapshot (idempotent, nothing changed): {time.perf_counter() - t0:.1f}s")


def instance_rows(day: Path) -> list[tuple[str, str, dict, list[dict]]]:
    snap = Snapshot(day)
    out = []
    for account in snap.aws_accounts():
        for region in snap.aws_regions(account):
            raw = snap.aws(account, region, "ec2", "describe-instances")
            if raw:
                out.append((account, region, raw, raw.get("Reservations", [])))
    return out


def compare_loaders(day: Path) -> None:
    from cartography.client.core.tx import load as carto_load
    from cartography.intel.aws.ec2.instances import transform_ec2_instances
    from cartography.models.aws.ec2.instances import EC2InstanceSchema
    from cartography.models.aws.ec2.reservations import EC2ReservationSchema

    data = instance_rows(day)
    ours = []
    theirs = []
    for account, region, raw, reservations in data:
        ours.append((account, region, instance_module.transform(raw, account, region).rows))
        theirs.append((account, region, transform_ec2_instances(reservations, region, account)))
    n = sum(len(t[2][EC2_INSTANCE]) for t in ours)
    print(f"\nsame rows, three loaders: {n:,} EC2 instances")

    def prepare() -> None:
        wipe()
        for account, _, _ in ours:
            loader.load(AWS_ACCOUNT, [{"id": account, "name": account, "inscope": True, "foreign": False}], 1)

    # ours
    prepare()
    loader.ensure_indexes([AWS_ACCOUNT, EC2_RESERVATION, EC2_INSTANCE])
    for account, region, rows in ours:
        loader.load(EC2_RESERVATION, rows[EC2_RESERVATION], 1, AWS_ID=account, region=region)
    t0 = time.perf_counter()
    for account, region, rows in ours:
        loader.load(EC2_INSTANCE, rows[EC2_INSTANCE], 1, AWS_ID=account, region=region)
    ours_s = time.perf_counter() - t0
    ours_items = sum(counts())
    # cartography
    prepare()
    with driver.session() as s:
        for account, region, d in theirs:
            carto_load(
                s, EC2ReservationSchema(), d.reservation_list, Region=region, AWS_ID=account, lastupdated=1
            )
        t0 = time.perf_counter()
        for account, region, d in theirs:
            carto_load(s, EC2InstanceSchema(), d.instance_list, Region=region, AWS_ID=account, lastupdated=1)
        carto_s = time.perf_counter() - t0
    carto_items = sum(counts())
    # bare
    wipe()
    bare_rows = [r for _, _, rows in ours for r in loader.project_rows(EC2_INSTANCE, rows[EC2_INSTANCE])]
    t0 = time.perf_counter()
    for batch in loader.batches(bare_rows):
        driver.write("UNWIND $rows AS r CREATE (n:BenchBare) SET n = r", {"rows": batch})
    bare_s = time.perf_counter() - t0
    print(
        f"  invgraph loader.load : {n / ours_s:10,.0f} nodes/s  ({ours_s:.2f}s; graph {ours_items:,} items)"
    )
    print(
        f"  cartography load()   : {n / carto_s:10,.0f} nodes/s  "
        f"({carto_s:.2f}s; graph {carto_items:,} items)"
    )
    print(
        f"  bare UNWIND CREATE   : {n / bare_s:10,.0f} nodes/s  ({bare_s:.2f}s; no MERGE, no index, no rels)"
    )
    print(f"  invgraph / cartography = {carto_s / ours_s:.2f}x ; invgraph / bare = {bare_s / ours_s:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=200)
    ap.add_argument("--accounts", type=int, default=2)
    ap.add_argument("--clusters", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, neo4j_for_bench():
        t0 = time.perf_counter()
        generate(Path(tmp), accounts=args.accounts, clusters=args.clusters, scale=args.scale, days=1)
        day = Path(tmp) / "day-01"
        files = sum(1 for p in day.rglob("*.json"))
        print(f"generated sample (scale {args.scale}): {files:,} files in {time.perf_counter() - t0:.1f}s")
        full_ingest(day)
        compare_loaders(day)
        print(f"peak RSS of the benchmark process: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
