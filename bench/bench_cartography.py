"""The same estate two ways: invgraph's own ingest, and Cartography 0.143's loaders + `invgraph analyze`.

The hand-written snapshot (AWS account 123456789012 and EKS cluster prod-eks, day 1 then day 2) is
1. ingested by invgraph (post-ingest privileges and exposure), then the controls run — the reference;
2. on a wiped graph, loaded by Cartography's own ``transform_*`` / ``load_*`` functions (the loaders of
   tests/queries/test_cartography_compat.py, cartography_aws_network.py and cartography_k8s.py) and
   analysed with ``analyze(from_cartography=True)``.
It prints, side by side, the seconds of the analyses, the controls that agree / differ / are unknown on the
Cartography graph, the exposed assets and the admin principals each way. Scale: this one small estate (about
170 assets; a Cartography-built graph of a synthetic 100k-asset estate did not fit the session).

Usage: python bench/bench_cartography.py
Not a test: it prints figures; bench/RESULTS.md records them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import counts, neo4j_for_bench, wipe  # noqa: E402
from graph import driver  # noqa: E402
from pipeline.analyze import analyze  # noqa: E402
from pipeline.run import ingest_snapshot  # noqa: E402
from queries.catalogue import load_catalogue  # noqa: E402
from queries.service import execute  # noqa: E402
from tests.queries import cartography_aws_network, cartography_k8s  # noqa: E402
from tests.queries import test_cartography_compat as compat  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "tests" / "data" / "snapshots" / "handwritten"
TAGS = (1795154400000, 1795240800000)


def _outcome(report: dict[str, Any]) -> dict[str, tuple[str, frozenset[str]]]:
    return {
        c["id"]: (c["status"], frozenset(str(f["asset_id"]) for f in c["findings"]))
        for c in report["controls"]
    }


def _exposed() -> set[str]:
    return {r["id"] for r in driver.read("MATCH (n) WHERE n.invgraph_exposed RETURN n.id AS id")}


def _admins() -> set[str]:
    rows = driver.read(
        "MATCH (p) WHERE p.admin_equivalent AND (p:AWSPrincipal OR p:KubernetesUser) RETURN p.id AS id"
    )
    return {r["id"] for r in rows}


def ours() -> tuple[float, dict[str, Any], set[str], set[str]]:
    seconds = 0.0
    for day in ("day1", "day2"):
        t = time.perf_counter()
        report = ingest_snapshot(ROOT / day)
        seconds += time.perf_counter() - t
    t = time.perf_counter()
    outcome = execute(list(load_catalogue()), report.run_id)
    seconds += time.perf_counter() - t
    return seconds, _outcome(outcome.report), _exposed(), _admins()


def cartography() -> tuple[float, float, dict[str, Any], set[str], set[str]]:
    load_s = analyse_s = 0.0
    last = None
    for day, tag in zip(("day1", "day2"), TAGS, strict=True):
        compat.DAY1, compat.TAG = ROOT / day / "aws" / compat.ACCOUNT, tag
        t = time.perf_counter()
        with driver.session() as session:
            compat.load_with_cartography(session)
            cartography_aws_network.load_network(session, compat.DAY1, compat.ACCOUNT, tag)
            cartography_k8s.load_cluster(session, ROOT / day / "k8s" / cartography_k8s.CLUSTER, tag)
        load_s += time.perf_counter() - t
        t = time.perf_counter()
        last = analyze(from_cartography=True)
        analyse_s += time.perf_counter() - t
    assert last is not None and last.controls_report is not None
    return load_s, analyse_s, _outcome(last.controls_report), _exposed(), _admins()


def main() -> int:
    with neo4j_for_bench(heap="1g", pagecache="256m"):
        own_s, own, own_exposed, own_admins = ours()
        nodes = counts()[0]
        wipe()
        load_s, carto_s, carto, carto_exposed, carto_admins = cartography()
    same = sorted(k for k in own if carto.get(k) == own[k])
    unknown = sorted(k for k in carto if carto[k][0] == "unknown")
    differ = sorted(k for k in own if k in carto and carto[k] != own[k] and k not in unknown)
    errors = sorted(k for k in carto if carto[k][0] == "error")
    print(f"graph: {nodes} nodes after invgraph's own two ingests")
    print(f"{'':34} {'invgraph ingest':>16} {'cartography graph':>18}")
    # Ours: two whole ingests (load + post-ingest steps) and the controls; Cartography's: two `analyze` runs.
    label = "ingest+analyses / analyze (s)"
    print(f"{label:34} {own_s:16.1f} {carto_s:18.1f}   (cartography load: {load_s:.1f} s)")
    print(f"{'controls erroring':34} {sum(1 for v in own.values() if v[0] == 'error'):16d} {len(errors):18d}")
    print(f"{'controls: same status and assets':34} {len(same):16d} {len(same):18d}")
    print(f"{'controls: unknown on cartography':34} {'':16} {len(unknown):18d}   {', '.join(unknown)}")
    print(f"{'controls: differ (not unknown)':34} {'':16} {len(differ):18d}   {', '.join(differ)}")
    print(
        f"{'exposed assets':34} {len(own_exposed):16d} {len(carto_exposed):18d}   "
        f"common {len(own_exposed & carto_exposed)}"
    )
    print(
        f"{'admin principals':34} {len(own_admins):16d} {len(carto_admins):18d}   "
        f"common {len(own_admins & carto_admins)}"
    )
    for k in differ:
        print(
            f"  {k}: ours {own[k][0]} {sorted(own[k][1])[:4]} / "
            f"cartography {carto[k][0]} {sorted(carto[k][1])[:4]}"
        )
    print("  only ours exposed:", sorted(own_exposed - carto_exposed)[:12])
    print("  only cartography exposed:", sorted(carto_exposed - own_exposed)[:12])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
