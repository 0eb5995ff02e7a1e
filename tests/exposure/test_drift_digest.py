"""Exposure change through path digests agrees with the node-by-node comparison (real Neo4j).

Two ways of computing one answer: ``exposure_drift`` compares the two runs' stored per-target digests and
reads only targets whose digest differs; ``digests=False`` (what runs from before digests get) reads every
target's subgraph and compares node by node. Both run on the hand-written snapshot pair as ingested, and on
two exposure runs stored for that pair with planted changes: a new path, a gone path, a path re-scored by a
wider grant, pods rescheduled under new uids with one more replica (same path, replicas 2 → 3), instances
behind a load balancer replaced (no change), and an unchanged target.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx
import pytest

from analysis.exposure import digest, store
from analysis.exposure.drift import _digest_changes, _targets, exposure_drift
from analysis.exposure.model import INTERNET
from analysis.exposure.paths import INTERNET_NODE, _Clock
from config import set_settings
from graph import driver
from pipeline.run import ingest_snapshot
from tests.conftest import DATA, _wipe

HW = DATA / "snapshots" / "handwritten"
ACCT = "111122223333"
# Hand-built attack graphs in the stored shape (compute.rows): (src, dst, type, access).
_COMMON = [
    (INTERNET, "svc-web", "internet", None),
    (INTERNET, "lb-1", "internet", None),
    ("lb-1", "i-logs", "lb-target", None),
    ("i-logs", "role-logs", "runs-as", None),
    ("lb-1", "i-static", "lb-target", None),
    ("i-static", "role-static", "runs-as", None),
    ("role-static", "b-static", "data-access", "read"),
    (INTERNET, "lb-2", "internet", None),
    ("role-fleet", "b-fleet", "data-access", "read"),
    ("sa-web", "role-web", "assume-role", None),
    ("role-web", "b-data", "data-access", "read"),
]
LABELS = {
    "svc-web": "KubernetesService",
    "sa-web": "KubernetesServiceAccount",
    "lb-1": "LoadBalancerV2",
    "lb-2": "LoadBalancerV2",
    "sec-web": "KubernetesSecret",
    "b-data": "S3Bucket",
    "b-logs": "S3Bucket",
    "b-static": "S3Bucket",
    "b-fleet": "S3Bucket",
    "b-old": "S3Bucket",
}
CROWNS = {"b-data", "b-logs", "b-static", "b-fleet", "b-old", "sec-web"}


def _graph(day: int) -> list[tuple[str, str, str, str | None]]:
    pods = ["pod-a1", "pod-a2"] if day == 1 else ["pod-b1", "pod-b2", "pod-b3"]  # rescheduled, +1 replica
    fleet = ["i-f1", "i-f2"] if day == 1 else ["i-f1", "i-f9"]  # one instance replaced: same place
    edges = list(_COMMON)
    for p in pods:
        edges += [("svc-web", p, "k8s-route", None), (p, "sa-web", "runs-as", None)]
        edges += [(p, "sec-web", "mounts-secret", "read")]
    for i in fleet:
        edges += [("lb-2", i, "lb-target", None), (i, "role-fleet", "runs-as", None)]
    # the logs role gains write on day 2: same path, higher score
    edges += [("role-logs", "b-logs", "data-access", "read" if day == 1 else "write")]
    if day == 1:  # an exposed instance removed on day 2: its path goes
        edges += [(INTERNET, "i-old", "internet", None), ("i-old", "role-old", "runs-as", None)]
        edges += [("role-old", "b-old", "data-access", "read")]
    else:  # a new exposed instance running as the data role: a new path to b-data
        edges += [(INTERNET, "i-new", "internet", None), ("i-new", "role-web", "runs-as", None)]
    return edges


def _label(n: str) -> str:
    if n.startswith("pod-"):
        return "KubernetesPod"
    if n.startswith("i-"):
        return "EC2Instance"
    if n.startswith("role-"):
        return "AWSRole"
    return LABELS[n]


def _rows(day: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    hops = _graph(day)
    dg = nx.DiGraph([(s, d) for s, d, _, _ in hops])
    dist = nx.single_source_shortest_path_length(dg, INTERNET)
    nodes = []
    for n in sorted(set(dg.nodes) - {INTERNET}):
        crown = n in CROWNS
        row: dict[str, Any] = {
            "node_id": n,
            "label": _label(n),
            "labels": [_label(n)],
            "name": n,
            "account": ACCT,
            "cluster": "c1" if n.startswith(("pod-", "svc-", "sa-", "sec-")) else None,
            "dist": dist[n],
            "crown_jewel": crown,
            "sensitivity": 1.0 if crown else 0.3,
            "crown_reason": "configured id" if crown else None,
            "admin": False,
        }
        if dg.has_edge(INTERNET, n):
            row.update(ports=["443/tcp"], exposure_types=["direct"], reasons=[f"{n} open"], weight=0.7)
        nodes.append(row)
    edges = [
        {
            "src": s,
            "dst": d,
            "type": t,
            "reason": f"{s} -> {d}",
            "ports": ["443/tcp"] if s == INTERNET else [],
            "access": a,
            "weight": 0.7 if s == INTERNET else 1.0,
            "src_dist": dist[s],
        }
        for s, d, t, a in hops
    ]
    return nodes, edges


def _store(run_id: str, ingest_run_id: str, day: int) -> None:
    nodes, edges = _rows(day)
    digests = digest.annotate(nodes, edges, INTERNET_NODE, 6)  # as compute does, default hop bound
    store.begin(run_id, ingest_run_id)
    store.write(run_id, nodes, edges)
    stats = {"nodes": len(nodes), "edges": len(edges), "exposed": 0, "seconds": 0.0}
    store.finish(run_id, stats | digests, keep=10)


@pytest.fixture(scope="module")
def runs(neo4j_uri: str) -> Iterator[list[str]]:
    set_settings(None)
    _wipe()
    yield [ingest_snapshot(HW / day).run_id for day in ("day1", "day2")]  # exposure computed by the step


def _ids(doc: dict[str, Any], kind: str) -> set[str]:
    return {p["id"] for p in doc["paths"][kind]}


def _changed_targets(runs: list[str]) -> set[str] | None:
    with _Clock(30) as clock:
        ids = []
        for ingest in runs:
            rows = clock.read(
                "MATCH (r:ExposureRun {ingest_run_id: $i, status: 'ok'}) "
                "RETURN r.run_id AS id ORDER BY r.finished_at DESC LIMIT 1",
                {"i": ingest},
            )
            ids.append(rows[0]["id"])
        return _digest_changes(*(_targets(clock, i, None, None, 6)[0] for i in ids))


def test_digests_and_full_comparison_agree_on_the_handwritten_pair(runs: list[str]) -> None:
    with_digests = exposure_drift(*runs)
    full = exposure_drift(*runs, digests=False)
    assert with_digests == full
    assert with_digests["paths"]["new"], "the pair has a planted new path (bastion-role becomes admin)"
    assert _changed_targets(runs) is not None  # both runs were computed with digests


def test_runs_without_digests_fall_back_to_the_full_comparison(runs: list[str]) -> None:
    before = exposure_drift(*runs)
    driver.write(
        "MATCH (r:ExposureRun {ingest_run_id: $i}) MATCH (n:ExposureNode {run_id: r.run_id}) "
        "REMOVE n.path_digest",
        {"i": runs[0]},
    )
    assert _changed_targets(runs) is None  # the older run has no digests: node-by-node comparison
    assert exposure_drift(*runs) == before


def test_digests_and_full_comparison_agree_on_planted_changes(runs: list[str]) -> None:
    _store("exposure-planted-1", runs[0], 1)
    _store("exposure-planted-2", runs[1], 2)
    with_digests = exposure_drift(*runs)
    full = exposure_drift(*runs, digests=False)
    assert with_digests == full
    pods = "replicas:KubernetesPod:svc-web>sa-web,sec-web"
    assert _ids(with_digests, "new") == {"internet > i-new > role-web > b-data"}
    assert _ids(with_digests, "gone") == {"internet > i-old > role-old > b-old"}
    rescored = {p["id"]: p for p in with_digests["paths"]["rescored"]}
    assert set(rescored) == {
        "internet > lb-1 > i-logs > role-logs > b-logs",  # read -> write
        f"internet > svc-web > {pods} > sa-web > role-web > b-data",  # 2 -> 3 replicas
        f"internet > svc-web > {pods} > sec-web",
    }
    logs = rescored["internet > lb-1 > i-logs > role-logs > b-logs"]
    assert logs["score"] > logs["score_before"] and logs["replicas"] == logs["replicas_before"] == 1
    web = rescored[f"internet > svc-web > {pods} > sec-web"]
    assert (web["replicas_before"], web["replicas"]) == (2, 3)
    assert web["nodes"][2]["members"] == ["pod-b1", "pod-b2", "pod-b3"]
    # Only targets whose subgraph changed are read: the unchanged ones, and the fleet whose replaced
    # instance keeps the group's identity, are skipped.
    assert _changed_targets(runs) == {"b-data", "b-logs", "b-old", "sec-web"}
    # Filtered, the two ways still agree (targets read by label; assets and paths narrowed).
    for kw in ({"label": "S3Bucket"}, {"target": "b-static"}, {"cluster": "c1"}, {"max_hops": 3}):
        assert exposure_drift(*runs, **kw) == exposure_drift(*runs, **kw, digests=False), kw


def test_a_run_against_itself_is_answered_from_the_run_digests(runs: list[str]) -> None:
    """Same whole-run digests: no asset or target is read, and the answer is the full comparison's."""
    doc = exposure_drift(runs[1], runs[1])
    assert doc == exposure_drift(runs[1], runs[1], digests=False)
    assert not any(doc["assets"].values()) and not any(doc["paths"].values()) and not doc["truncated"]
