"""Exposure change found id by id in the database agrees with the full comparisons (real Neo4j).

Three ways of computing one answer: the default (``drift_targets`` / ``drift_assets``: the database compares
the two runs' digests id by id and sends back only the ids that differ), ``index=False`` (the two runs' full
target and exposed-asset lists read and compared in Python, what runs stored before asset digests get) and
``digests=False`` (every target's subgraph read and compared node by node). Two exposure runs are stored in
the shape ``compute`` writes, for two ingest runs written by the real run writer, with planted changes: an
asset newly exposed, one no longer exposed, a port change, a path re-scored by a wider grant, a replica
count change (exposed instances 2 → 3 and pods 2 → 3 under new uids), a lone instance joined by a twin,
and thirty unchanged exposed instances each reaching its own crown jewel.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import networkx as nx
import pytest

from analysis.exposure import digest, drift, drift_assets, drift_targets, store
from analysis.exposure.drift import exposure_drift
from analysis.exposure.model import INTERNET
from analysis.exposure.paths import INTERNET_NODE, _Clock
from config import get_settings, set_settings
from graph import driver
from history import runs as run_writer
from tests.conftest import _wipe

ACCT, OTHER = "111122223333", "444455556666"
FILLERS = 30
SENSITIVITY = {"b-data": 1.0, "sec-web": 0.9, "b-logs": 0.8, "b-fleet": 0.8, "b-old": 0.7, "b-new": 0.65}
Hop = tuple[str, str, str, str | None]


def _world(day: int) -> tuple[list[Hop], dict[str, tuple[list[str], str]]]:
    """(hops, directly exposed node -> (ports, reason)) of one day."""
    hops: list[Hop] = [
        (INTERNET, "lb-1", "internet", None),
        ("lb-1", "i-logs", "lb-target", None),
        ("i-logs", "role-logs", "runs-as", None),
        ("role-logs", "b-logs", "data-access", "read" if day == 1 else "write"),  # re-scored path
        (INTERNET, "svc-web", "internet", None),
        ("sa-web", "role-web", "assume-role", None),
        ("role-web", "b-data", "data-access", "read"),
        ("role-fleet", "b-fleet", "data-access", "read"),
        ("role-solo", "b-fleet", "data-access", "read"),
    ]
    exposed = {
        "lb-1": (["443/tcp"] if day == 1 else ["443/tcp", "8443/tcp"], "lb-1 listener"),  # port change
        "svc-web": (["443/tcp"], "svc-web LoadBalancer"),
    }
    pods = ["pod-a1", "pod-a2"] if day == 1 else ["pod-b1", "pod-b2", "pod-b3"]  # rescheduled, +1 replica
    for p in pods:
        hops += [("svc-web", p, "k8s-route", None), (p, "sa-web", "runs-as", None)]
        hops += [(p, "sec-web", "mounts-secret", "read")]
    fleet = ["i-f1", "i-f2"] if day == 1 else ["i-f1", "i-f2", "i-f3"]  # exposed replicas 2 -> 3
    solo = ["i-solo"] if day == 1 else ["i-solo", "i-solo2"]  # a lone instance joined by a twin
    placed = [(i, "role-fleet", "sg-fleet") for i in fleet] + [(i, "role-solo", "sg-solo") for i in solo]
    for i, role, sg in placed:
        hops += [(INTERNET, i, "internet", None), (i, role, "runs-as", None)]
        exposed[i] = (["22/tcp"], f"{sg} open to 0.0.0.0/0")
    old_or_new = "i-old" if day == 1 else "i-new"  # no longer exposed / newly exposed
    hops += [(INTERNET, old_or_new, "internet", None)]
    hops += [(old_or_new, "role-old", "runs-as", None), ("role-old", "b-old", "data-access", "read")]
    if day == 2:  # a new path to b-data, and a new crown jewel ranked above the fillers' buckets
        hops += [("i-new", "role-web", "runs-as", None), ("role-web", "b-new", "data-access", "read")]
    exposed[old_or_new] = (["80/tcp"], f"sg-{old_or_new} open to 0.0.0.0/0")
    for k in range(FILLERS):  # unchanged: each its own port (no collapsing) and its own crown jewel
        i, role = f"i-s{k:02d}", f"role-s{k:02d}"
        hops += [(INTERNET, i, "internet", None), (i, role, "runs-as", None)]
        hops += [(role, f"b-s{k:02d}", "data-access", "read")]
        exposed[i] = ([f"{9000 + k}/tcp"], f"sg-s{k:02d} open to 0.0.0.0/0")
    return hops, exposed


def _label(n: str) -> str:
    prefixes = {"pod-": "KubernetesPod", "i-": "EC2Instance", "role-": "AWSRole", "b-": "S3Bucket"}
    named = {"lb-1": "LoadBalancerV2", "svc-web": "KubernetesService", "sa-web": "KubernetesServiceAccount"}
    return next((v for k, v in prefixes.items() if n.startswith(k)), None) or named.get(n, "KubernetesSecret")


def _rows(day: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    hops, exposed = _world(day)
    dist = nx.single_source_shortest_path_length(nx.DiGraph([(s, d) for s, d, _, _ in hops]), INTERNET)
    nodes = []
    for n in sorted(set(dist) - {INTERNET}):
        crown = _label(n) in ("S3Bucket", "KubernetesSecret")
        k8s = n.startswith(("pod-", "svc-", "sa-", "sec-"))
        row: dict[str, Any] = {
            "node_id": n,
            "label": _label(n),
            "labels": [_label(n)],
            "name": n,
            "account": None if k8s else (OTHER if n.endswith(("s01", "s02")) else ACCT),
            "cluster": "c1" if k8s else None,
            "dist": dist[n],
            "crown_jewel": crown,
            "sensitivity": SENSITIVITY.get(n, 0.6) if crown else 0.3,
            "crown_reason": "label" if crown else None,
            "admin": False,
        }
        if n in exposed:
            ports, reason = exposed[n]
            row.update(ports=ports, exposure_types=["direct"], reasons=[reason], weight=0.7)
        nodes.append(row)
    edges = [
        {
            "src": s,
            "dst": d,
            "type": t,
            "reason": f"{s} -> {d}",
            "ports": exposed[d][0] if s == INTERNET else [],
            "access": a,
            "weight": 0.7 if s == INTERNET else 1.0,
            "src_dist": dist[s],
        }
        for s, d, t, a in hops
    ]
    return nodes, edges


def _store(run_id: str, ingest_run_id: str, day: int) -> None:
    """What ``compute`` stores for a run, from hand-built rows."""
    nodes, edges = _rows(day)
    digests = digest.annotate(nodes, edges, INTERNET_NODE, 6)  # the default hop bound
    store.begin(run_id, ingest_run_id)
    store.write(run_id, nodes, edges)
    stats = {"nodes": len(nodes), "edges": len(edges), "exposed": 0, "seconds": 0.0}
    store.finish(run_id, stats | digests, keep=10)


@pytest.fixture(scope="module")
def runs(neo4j_uri: str) -> Iterator[list[str]]:
    set_settings(None)
    _wipe()
    store.ensure_schema()
    ids = []
    for day in (1, 2):
        run_id, _ = run_writer.new_run("planted exposure change", datetime(2026, 12, day, 6, tzinfo=UTC))
        run_writer.finish_run(run_id, "ok", [], [])
        _store(f"exposure-index-{day}", run_id, day)
        ids.append(run_id)
    yield ids


def _drift(runs: list[str], **kw: Any) -> dict[str, Any]:
    """exposure_drift with a roomy request limit: the limit is not under test, and a fresh server on the
    shared test machine spends seconds planning each query shape the first time it sees it."""
    roomy = get_settings().exposure.model_copy(update={"exposure_drift_timeout_s": 300})
    return exposure_drift(*runs, settings=roomy, **kw)


def _three_ways(runs: list[str], **kw: Any) -> dict[str, Any]:
    fast = _drift(runs, **kw)
    assert fast == _drift(runs, **kw, index=False), kw
    assert fast == _drift(runs, **kw, digests=False), kw
    return fast


def _ids(doc: dict[str, Any], kind: str) -> set[str]:
    return {p["id"] for p in doc["paths"][kind]}


def _members(doc: dict[str, Any], kind: str) -> dict[tuple[str, ...], dict[str, Any]]:
    return {tuple(a["members"]): a for a in doc["assets"][kind]}


def test_planted_changes_found_id_by_id_agree_with_the_full_comparisons(runs: list[str]) -> None:
    doc = _three_ways(runs)
    # The lone instance joined by a twin becomes a replica group: a new entry (and path), the old one goes.
    assert set(_members(doc, "newly_reachable")) == {("i-new",), ("i-solo", "i-solo2")}
    assert set(_members(doc, "no_longer_reachable")) == {("i-old",), ("i-solo",)}
    changed = _members(doc, "changed")
    assert set(changed) == {("lb-1",), ("i-f1", "i-f2", "i-f3")}
    lb = changed[("lb-1",)]
    assert (lb["ports_before"], lb["ports"]) == (["443/tcp"], ["443/tcp", "8443/tcp"])
    fleet = changed[("i-f1", "i-f2", "i-f3")]
    assert (fleet["replicas_before"], fleet["replicas"]) == (2, 3)
    pods = "replicas:KubernetesPod:svc-web>sa-web,sec-web"
    assert _ids(doc, "new") == {
        "internet > i-new > role-web > b-data",
        "internet > i-new > role-old > b-old",
        "internet > i-new > role-web > b-new",
        f"internet > svc-web > {pods} > sa-web > role-web > b-new",
        "internet > replicas:EC2Instance:internet>role-solo > role-solo > b-fleet",
    }
    assert _ids(doc, "gone") == {
        "internet > i-old > role-old > b-old",
        "internet > i-solo > role-solo > b-fleet",
    }
    rescored = {p["id"]: p for p in doc["paths"]["rescored"]}
    assert set(rescored) == {
        "internet > lb-1 > i-logs > role-logs > b-logs",  # read -> write
        f"internet > svc-web > {pods} > sa-web > role-web > b-data",  # pods 2 -> 3
        f"internet > svc-web > {pods} > sec-web",
        "internet > replicas:EC2Instance:internet>role-fleet > role-fleet > b-fleet",  # instances 2 -> 3
    }
    logs = rescored["internet > lb-1 > i-logs > role-logs > b-logs"]
    assert logs["score_before"] < logs["score"]
    assert not doc["truncated"]


def test_only_the_changed_ids_come_back(runs: list[str]) -> None:
    with _Clock(300) as clock:
        changed = drift_targets.changed_targets(
            clock, "exposure-index-1", "exposure-index-2", None, None, 6, drift.TARGET_CAP
        )
        filters = {"account": None, "cluster": None, "label": None, "target": None, "allowed": None}
        groups = drift_assets.touched_groups(clock, "exposure-index-1", "exposure-index-2", filters)
    assert changed is not None and not changed.cut_old and not changed.cut_new
    # b-fleet: its replica group grew and the solo instance gained a twin; none of the 30 fillers' buckets
    assert changed.old == {"b-logs", "b-data", "sec-web", "b-fleet", "b-old"}
    assert changed.new == {"b-logs", "b-data", "sec-web", "b-fleet", "b-old", "b-new"}
    # lb-1, the fleet, the solo pair, i-old, i-new: five groups of the 36 exposed assets per run
    assert len(groups) == 5


@pytest.mark.parametrize(
    "kw",
    [
        {"label": "S3Bucket"},
        {"label": "EC2Instance"},
        {"target": "b-data"},
        {"target": "b-s05"},
        {"cluster": "c1"},
        {"account": ACCT},
        {"allowed": [OTHER]},
        {"allowed": [ACCT, "c1"]},
        {"max_hops": 3},
    ],
)
def test_filtered_the_ways_still_agree(runs: list[str], kw: dict[str, Any]) -> None:
    _three_ways(runs, **kw)


@pytest.mark.parametrize("cap", [1, 3, 5, 6, 10, 20, 34, 35, 36])
def test_cut_target_lists_agree(runs: list[str], cap: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``cap`` targets a list is cut; b-new, ranked above the fillers' buckets on day 2, pushes the
    last of them out of the cut new list, so it is in the old list only."""
    monkeypatch.setattr(drift, "TARGET_CAP", cap)
    doc = _three_ways(runs)
    assert doc["truncated"] == (cap < 36)  # day 1: 30 fillers' buckets + 5 others; day 2: + b-new
    _three_ways(runs, label="S3Bucket")


def test_runs_stored_before_asset_digests_compare_the_full_lists(
    runs: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _drift(runs)
    calls: list[str] = []
    for name in ("all_changes", "indexed_changes"):
        real = getattr(drift_assets, name)
        monkeypatch.setattr(drift_assets, name, lambda *a, _n=name, _f=real: calls.append(_n) or _f(*a))
    driver.write("MATCH (r:ExposureRun {run_id: 'exposure-index-1'}) REMOVE r.asset_digests")
    try:
        assert _drift(runs) == before
        assert calls == ["all_changes"]
    finally:
        driver.write("MATCH (r:ExposureRun {run_id: 'exposure-index-1'}) SET r.asset_digests = true")
    assert _drift(runs) == before
    assert calls == ["all_changes", "indexed_changes"]
