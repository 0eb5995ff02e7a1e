"""Azure ingestion throughput beside the AWS sample's, in the same run, and the exposure step time.

1. Generate one sample (ingest/sample): AWS accounts at ``--scale`` and an Azure tenant of ``--subscriptions``
   subscriptions (the ``az … -o json`` shapes of tests/data/snapshots/handwritten-azure), two days.
2. Split day 1 into an AWS-only and an Azure-only snapshot folder and ingest each end to end on an empty
   graph (load, history, post-ingest steps), printing items/s (nodes + relationships per second of the run)
   for both, the exposure step's time and exposed count, and the privileges step's time and principals (the
   AWS sample's is the reference). Then day 2 of Azure (the inherited Owner creep) and the creep query
   (day 1 -> day 2) that reports it, timed.
3. With ``--group-members N``: Azure day 1 again on an empty graph, with Entra groups added — ``readers``
   (Reader on ``mg-contoso``, so listed by every subscription) holding N users and the nested group
   ``readers-oncall`` with N // 2 more (and a cycle back) — so the privileges step expands the group onto
   its members in every subscription; printed beside the run without groups.

Usage: python bench/bench_azure.py [--subscriptions 200] [--scale 1] [--group-members 0]
Not a test: it prints figures; bench/RESULTS.md records them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import counts, neo4j_for_bench, wipe  # noqa: E402
from graph import driver  # noqa: E402


def split(day: Path, root: Path, provider: str) -> Path:
    out = root / f"{day.name}-{provider}"
    out.mkdir(parents=True)
    shutil.copy(day / "snapshot.json", out / "snapshot.json")
    shutil.copytree(day / provider, out / provider)
    return out


def ingest(label: str, folder: Path, fresh: bool = True) -> str:
    from pipeline.run import ingest_snapshot

    if fresh:
        wipe()
    t0 = time.perf_counter()
    report = ingest_snapshot(folder)
    elapsed = time.perf_counter() - t0
    nodes, rels = counts()
    exposure = driver.read(
        "MATCH (r:ExposureRun {latest: true}) RETURN r.seconds AS s, r.exposed AS exposed, r.nodes AS nodes"
    )
    steps = ", ".join(f"{s['name']} {s['seconds']:.1f}s" for s in (o.as_json() for o in report.steps))
    print(
        f"{label}: status={report.status}, {len(report.modules)} module runs, graph {nodes:,} nodes + "
        f"{rels:,} relationships, run {elapsed:.1f}s = {(nodes + rels) / elapsed:,.0f} items/s"
    )
    print(f"  post-ingest steps: {steps}")
    if exposure:
        e = exposure[0]
        print(f"  exposure: {e['exposed']} exposed of {e['nodes']} attack-graph nodes in {e['s']:.1f}s")
    from analysis.privileges.steps import LAST_REPORT

    if LAST_REPORT:
        p = LAST_REPORT[0]
        scopes = sum(len(v) for v in p.scopes.values())
        print(
            f"  privileges: {p.principals:,} principals in {scopes} scopes, {p.changed:,} records written, "
            f"{p.seconds:.2f}s"
        )
    return report.run_id


def add_groups(folder: Path, members: int) -> int:
    """Entra groups with ``members`` (+ ``members // 2`` nested) users, Reader on mg-contoso in every
    subscription's assignment list (az shapes of tests/data/snapshots/handwritten-azure); returns the
    number of principals the expansion adds per subscription."""
    from ingest.sample.azure_shapes import guid

    (tenant_dir,) = (folder / "azure").iterdir()
    ad = tenant_dir / "tenant" / "ad"
    outer, inner = guid(7, "bench-readers"), guid(7, "bench-readers-oncall")
    users = [
        {"displayName": f"Reader {i}", "id": guid(7, f"bench-user-{i}"), "mail": f"reader{i}@contoso.com",
         "userPrincipalName": f"reader{i}@contoso.com"}
        for i in range(members + members // 2)
    ]  # fmt: skip
    listed = json.loads((ad / "user-list.json").read_text())
    (ad / "user-list.json").write_text(json.dumps(listed + users))
    groups = [
        {"displayName": name, "id": gid, "securityEnabled": True, "mailEnabled": False, "groupTypes": []}
        for name, gid in (("readers", outer), ("readers-oncall", inner))
    ]
    (ad / "group-list.json").write_text(json.dumps(groups))
    (ad / "group-member-list").mkdir()

    def member(u: dict, kind: str = "user") -> dict:
        return {"@odata.type": f"#microsoft.graph.{kind}", **u}

    (ad / "group-member-list" / f"{outer}.json").write_text(
        json.dumps([member(u) for u in users[:members]] + [member(groups[1], "group")])
    )
    (ad / "group-member-list" / f"{inner}.json").write_text(
        json.dumps([member(u) for u in users[members:]] + [member(groups[0], "group")])
    )
    for path in tenant_dir.glob("*/role/assignment-list.json"):
        items = json.loads(path.read_text())
        reader = next(a for a in items if a["roleDefinitionName"] == "Reader")
        ra = guid(7, "bench-ra")
        items.append(
            {**reader, "id": reader["id"].rsplit("/", 1)[0] + "/" + ra, "name": ra, "principalId": outer,
             "principalName": None, "principalType": "Group"}
        )  # fmt: skip
        path.write_text(json.dumps(items))
    return len(users) + 1


def timed_creep(frm: str, to: str) -> None:
    from analysis.privileges.creep import creep

    t0 = time.perf_counter()
    doc = creep(frm, to)
    elapsed = time.perf_counter() - t0
    admin = sum(1 for p in doc["principals"] if p["admin_after"] and not p["admin_before"])
    n = len(doc["principals"])
    print(f"creep day 1 -> day 2: {n} principals ({admin} newly admin) in {elapsed:.2f}s")


def main() -> None:
    from ingest.sample import generate

    ap = argparse.ArgumentParser()
    ap.add_argument("--subscriptions", type=int, default=200)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--group-members", type=int, default=0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, neo4j_for_bench():
        root = Path(tmp)
        t0 = time.perf_counter()
        generate(
            root / "sample",
            accounts=2,
            clusters=0,
            scale=args.scale,
            days=2,
            azure_subscriptions=args.subscriptions,
        )
        print(
            f"sample: {args.subscriptions} Azure subscriptions + 2 AWS accounts at scale {args.scale}, "
            f"2 days, generated in {time.perf_counter() - t0:.1f}s"
        )
        day1, day2 = root / "sample" / "day-01", root / "sample" / "day-02"
        ingest("AWS sample (reference), day 1", split(day1, root, "aws"))
        first = ingest("Azure tenant, day 1", split(day1, root, "azure"))
        second = ingest(
            "Azure tenant, day 2 (re-ingest, one inherited Owner per subscription)",
            split(day2, root, "azure"),
            False,
        )
        timed_creep(first, second)
        if args.group_members:
            grouped = split(day1, root / "grouped", "azure")
            added = add_groups(grouped, args.group_members)
            ingest(
                f"Azure tenant, day 1 + Entra groups ({added} principals through a group, per subscription)",
                grouped,
            )


if __name__ == "__main__":
    main()
