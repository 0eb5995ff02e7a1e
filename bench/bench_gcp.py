"""GCP ingestion throughput and the GCP analyses, beside cartography's GCP instance loader and a bare CREATE.

1. Write a GCP-only sample organization of ``--projects`` projects (ingest/sample/gcp.py: about ten assets and
   two IAM policies per project, the shapes ``gcloud asset list`` prints), two days; ingest day 1 end to end
   (hierarchy → … → policy bindings, history, privileges, exposure) and day 2 (one planted owner binding:
   the creep), printing items/s and the time of each post-ingest step.
2. On the same Neo4j, the same GCPInstance rows three ways, each the way its tool calls it: our
   ``loader.load`` of the organization's rows in one call (GCP_INSTANCE with its owner, project, TAGGED and
   RUNS_AS relationships), cartography's ``load()`` with its ``GCPInstanceSchema`` once per project (rows from
   its own ``transform_gcp_instances`` of the same instance JSON), and a bare ``UNWIND … CREATE``.

Usage: python bench/bench_gcp.py [--projects 1000]
Not a test: it prints figures; bench/RESULTS.md records them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import counts, neo4j_for_bench, peak_rss_mb, wipe  # noqa: E402
from graph import driver  # noqa: E402
from graph.schema import loader  # noqa: E402
from graph.schema.gcp.compute import GCP_INSTANCE  # noqa: E402
from graph.schema.gcp.hierarchy import GCP_ORGANIZATION, GCP_PROJECT  # noqa: E402
from ingest.gcp import instances as instances_module  # noqa: E402
from ingest.sample.gcp import gcp_days  # noqa: E402

INSTANCE = "compute.googleapis.com/Instance"


def write_days(root: Path, projects: int) -> tuple[list[Path], str]:
    files, facts = gcp_days(projects, 2, seed=42)
    folders = []
    for day, day_files in enumerate(files, start=1):
        folder = root / f"day-{day:02d}"
        for rel, body in day_files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(body, indent=2, sort_keys=True))
        (folder / "snapshot.json").write_text(json.dumps({"collected_at": f"2026-11-{day:02d}T06:00:00Z"}))
        folders.append(folder)
    del facts
    return folders, next((root / "day-01" / "gcp").iterdir()).name  # the organization id


def full_ingest(days: list[Path]) -> None:
    from analysis.privileges.steps import LAST_REPORT
    from pipeline.run import ingest_snapshot

    wipe()
    for i, day in enumerate(days, start=1):
        t0 = time.perf_counter()
        report = ingest_snapshot(day)
        elapsed = time.perf_counter() - t0
        nodes, rels = counts()
        priv = LAST_REPORT[0] if LAST_REPORT else None
        exposure = driver.read(
            "MATCH (r:ExposureRun {latest: true}) "
            "RETURN r.seconds AS s, r.exposed AS exposed, r.nodes AS nodes"
        )
        changes = driver.read("MATCH (c:AssetChange) RETURN count(c) AS c")[0]["c"]
        print(
            f"day {i}: status={report.status}, graph {nodes:,} nodes + {rels:,} relationships, "
            f"ingest run {elapsed:.1f}s = {(nodes + rels) / elapsed:,.0f} items/s; history records so far "
            f"{changes:,}"
        )
        if priv:
            print(
                f"  privileges step: {priv.principals:,} principals, {priv.changed} changed, "
                f"{priv.removed} removed in {priv.seconds:.1f}s"
            )
        if exposure:
            e = exposure[0]
            print(f"  exposure: {e['exposed']} exposed of {e['nodes']} attack-graph nodes in {e['s']:.1f}s")


def instance_assets(day: Path, scope: str) -> list[dict[str, Any]]:
    raw = json.loads((day / "gcp" / scope / "cloudasset" / "resource.json").read_text())
    return [a for a in raw if a["assetType"] == INSTANCE]


def compare_loaders(day: Path, scope: str) -> None:
    from cartography.client.core.tx import load as carto_load
    from cartography.intel.gcp.compute import transform_gcp_instances
    from cartography.models.gcp.compute.instance import GCPInstanceSchema

    assets = instance_assets(day, scope)
    ours = instances_module.transform(assets, scope).rows
    ours_rows = next(rows for schema, rows in ours.items() if schema.label == "GCPInstance")
    by_project: dict[str, list[dict[str, Any]]] = {}
    for a in assets:
        data = a["resource"]["data"]
        prefix = data["selfLink"].split("/compute/v1/", 1)[1].rsplit("/", 1)[0]
        by_project.setdefault(prefix, []).append(json.loads(json.dumps(data)))
    theirs: dict[str, list[dict[str, Any]]] = {}
    for prefix, items in by_project.items():
        project = prefix.split("/")[1]
        theirs.setdefault(project, []).extend(transform_gcp_instances([{"id": prefix, "items": items}]))
    n = len(ours_rows)
    print(f"\nsame instances, three loaders: {n:,} GCP instances in {len(theirs):,} projects")

    projects = sorted(theirs)
    # ours: one load of the organization's rows, as `ingest snapshot` does for an org-scope folder
    # (the organization owns every node; GCPProject-[:RESOURCE] edges are added by project number).
    wipe()
    org = f"organizations/{scope}"
    loader.load(GCP_ORGANIZATION, [{"id": org}], 1)
    numbers = {r["project_number"] for r in ours_rows}
    loader.load(GCP_PROJECT, [{"id": f"p{n}", "projectnumber": n} for n in numbers], 1, GCP_SCOPE_ID=org)
    schema = GCP_INSTANCE.org
    loader.ensure_indexes([GCP_ORGANIZATION, GCP_PROJECT, schema])
    t0 = time.perf_counter()
    loader.load(schema, ours_rows, 1, GCP_SCOPE_ID=org)
    ours_s = time.perf_counter() - t0
    ours_items = sum(counts())
    # cartography: one load() per project, as its GCP sync does (PROJECT_ID scopes each call)
    wipe()
    with driver.session() as s:
        s.run("UNWIND $ids AS id MERGE (:GCPProject {id: id})", ids=projects).consume()
        t0 = time.perf_counter()
        for p in projects:
            carto_load(s, GCPInstanceSchema(), theirs[p], lastupdated=1, PROJECT_ID=p)
        carto_s = time.perf_counter() - t0
    carto_items = sum(counts())
    # bare
    wipe()
    bare_rows = list(loader.project_rows(schema, ours_rows))
    t0 = time.perf_counter()
    for batch in loader.batches(bare_rows):
        driver.write("UNWIND $rows AS r CREATE (n:BenchBare) SET n = r", {"rows": batch})
    bare_s = time.perf_counter() - t0
    for name, seconds, items in (
        ("invgraph loader.load", ours_s, f"graph {ours_items:,} items"),
        ("cartography load()  ", carto_s, f"graph {carto_items:,} items"),
        ("bare UNWIND CREATE  ", bare_s, "no MERGE, no index, no rels"),
    ):
        print(f"  {name} : {n / seconds:10,.0f} nodes/s  ({seconds:.2f}s; {items})")
    print(f"  invgraph / cartography = {carto_s / ours_s:.2f}x ; invgraph / bare = {bare_s / ours_s:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=1000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, neo4j_for_bench():
        t0 = time.perf_counter()
        days, scope = write_days(Path(tmp), args.projects)
        files = sum(1 for _ in Path(tmp).rglob("*.json"))
        took = time.perf_counter() - t0
        print(f"generated GCP sample: {args.projects:,} projects, {files} files in {took:.1f}s")
        full_ingest(days)
        compare_loaders(days[0], scope)
        print(f"peak RSS of the benchmark process: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
