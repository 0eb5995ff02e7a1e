"""Dashboard widgets and `GET /api/v1/findings` against the hand-written snapshots on a real Neo4j.

Ingesting is slow on a loaded machine, so the module ingests day1 once (with the privileges step and a
control run) and the tests read it; the last test ingests day2 and checks that the new run invalidates the
cache. Expected numbers come from the snapshot files, EXPECTED.json and the control results the test itself
produced — never from the widget code's own queries.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import analysis.exposure as analysis_exposure
from api.app import create_app
from api.widgets import WIDGETS
from api.widgets import exposure as exposure_widget
from appdb import keys as apikeys
from config import set_settings
from graph import driver as graph_driver
from ingest import runner
from pipeline.run import ingest_snapshot
from queries import catalogue, findings
from queries import runner as controls_runner
from queries.runner import ControlResult

pytestmark = pytest.mark.timeout(1800)

SNAP = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten"
EXPECTED = json.loads((SNAP / "EXPECTED.json").read_text())
AWS = "aws/123456789012/us-east-1"


def _load(day: str, rel: str) -> Any:
    return json.loads((SNAP / day / rel).read_text())


@dataclass
class Graph:
    client: TestClient
    headers: dict[str, str]
    results: list[ControlResult]
    ingest_run_id: str


def _wipe() -> None:
    with graph_driver.session() as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def _ingest_and_evaluate(day: str) -> tuple[str, list[ControlResult]]:
    report = ingest_snapshot(SNAP / day)
    assert report.status == "ok", report.as_json()
    target = controls_runner.latest_target()
    results = controls_runner.run_controls(catalogue.load_catalogue(), target)
    findings.record_run(results, target)
    return report.run_id, results


@pytest.fixture(scope="module")
def graph(neo4j_uri: str) -> Iterator[Graph]:
    set_settings(None)
    _wipe()
    run_id, results = _ingest_and_evaluate("day1")
    key = apikeys.create_key("widgets-test", "viewer")[1]
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        yield Graph(client, {"Authorization": f"Bearer {key}"}, results, run_id)


def _widget(g: Graph, name: str, query: str = "") -> dict[str, Any]:
    r = g.client.get(f"/api/v1/widgets/{name}{query}", headers=g.headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_keys_required_except_for_the_dashboard_files(graph: Graph) -> None:
    c = graph.client
    for path in ["/api/v1/widgets", "/api/v1/findings", *(f"/api/v1/widgets/{n}" for n in WIDGETS)]:
        r = c.get(path)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized", path
        assert c.get(path, headers={"Authorization": "Bearer ig_nope_nope"}).status_code == 401
    page = c.get("/")
    assert page.status_code == 200 and 'id="asset-total"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for asset in ("dashboard.js", "charts.js", "dashboard.css"):
        assert c.get(f"/static/{asset}").status_code == 200
    assert c.get("/static/../app.py").status_code == 404


def test_widget_list_and_parameters(graph: Graph) -> None:
    listed = graph.client.get("/api/v1/widgets", headers=graph.headers).json()["widgets"]
    assert [w["name"] for w in listed] == list(WIDGETS)
    assert {w["path"] for w in listed} == {f"/api/v1/widgets/{n}" for n in WIDGETS}
    bad = graph.client.get("/api/v1/widgets/runs?limit=0", headers=graph.headers)
    assert bad.status_code == 422
    assert graph.client.get("/api/v1/widgets/runs?lmit=3", headers=graph.headers).status_code == 422
    assert graph.client.get("/api/v1/widgets/nope", headers=graph.headers).status_code == 404


def test_asset_counts_match_the_snapshot_files(graph: Graph) -> None:
    w = _widget(graph, "asset-counts")
    by_label = {r["label"]: r["count"] for r in w["by_label"]}
    auth = _load("day1", "aws/123456789012/global/iam/get-account-authorization-details.json")
    expected = {
        "EC2Instance": sum(
            len(r["Instances"]) for r in _load("day1", f"{AWS}/ec2/describe-instances.json")["Reservations"]
        ),
        "EBSVolume": len(_load("day1", f"{AWS}/ec2/describe-volumes.json")["Volumes"]),
        "EC2SecurityGroup": len(_load("day1", f"{AWS}/ec2/describe-security-groups.json")["SecurityGroups"]),
        "RDSInstance": len(_load("day1", f"{AWS}/rds/describe-db-instances.json")["DBInstances"]),
        "AWSLambda": len(_load("day1", f"{AWS}/lambda/list-functions.json")["Functions"]),
        "S3Bucket": len(_load("day1", "aws/123456789012/global/s3api/list-buckets.json")["Buckets"]),
        "AWSUser": len(auth["UserDetailList"]),
        **{
            label: len(_load("day1", f"k8s/prod-eks/{name}.json")["items"])
            for label, name in (
                ("KubernetesPod", "pods"),
                ("KubernetesNamespace", "namespaces"),
                ("KubernetesNode", "nodes"),
                ("KubernetesServiceAccount", "serviceaccounts"),
                ("KubernetesService", "services"),
            )
        },
    }
    assert {k: by_label.get(k) for k in expected} == expected
    # Each asset once: an independent count of nodes carrying any schema label.
    labels = sorted({s.label for s in runner.all_schemas()})
    rows = graph_driver.read(
        "MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels) RETURN count(n) AS n", {"labels": labels}
    )
    assert w["total"] == rows[0]["n"] == sum(by_label.values())
    assert w["available"] and w["ingest_run_id"] == graph.ingest_run_id
    assert [c["name"] for c in w["by_cluster"]] == [EXPECTED["k8s_cluster"]]
    assert EXPECTED["account_id"] in {a["id"] for a in w["by_account"]}
    k8s_kinds = sum(
        len(_load("day1", f"k8s/prod-eks/{f.name}")["items"])
        for f in (SNAP / "day1" / "k8s" / "prod-eks").glob("*.json")
    )
    # The cluster owns at least every object listed by kubectl (plus containers, users, groups it derives).
    assert w["by_cluster"][0]["count"] >= k8s_kinds


def _open_by(results: list[ControlResult], key: str) -> Counter[Any]:
    counts: Counter[Any] = Counter()
    for r in results:
        meta = r.control.meta
        counts[meta.severity.value if key == "severity" else getattr(meta, key)] += r.failed
    return counts


def test_findings_widgets_match_the_control_results(graph: Graph) -> None:
    sev = _widget(graph, "findings-by-severity")
    expected = _open_by(graph.results, "severity")
    assert {s["severity"]: s["open"] for s in sev["severities"]} == {
        s: expected.get(s, 0) for s in ("critical", "high", "medium", "low", "info")
    }
    assert sev["total_open"] == sum(r.failed for r in graph.results) > 0
    assert all(s["resolved"] == 0 and s["suppressed"] == 0 for s in sev["severities"])

    domains = {d["domain"]: d for d in _widget(graph, "findings-by-domain")["domains"]}
    for domain, n in _open_by(graph.results, "domain").items():
        assert domains[domain.value]["open"] == n
    assert sum(d["controls"] for d in domains.values()) == len(catalogue.load_catalogue())

    levels = {lv["maturity"]: lv["open"] for lv in _widget(graph, "findings-by-maturity")["levels"]}
    assert levels == {m: n for m, n in _open_by(graph.results, "maturity").items() if m in levels}
    assert set(levels) >= {r.control.meta.maturity for r in graph.results}


def test_control_pass_rates(graph: Graph) -> None:
    w = _widget(graph, "control-pass-rates", "?runs=5")
    got = {c["control_id"]: c for c in w["controls"]}
    assert w["runs"] == 5 and set(got) == {r.control.id for r in graph.results}
    for r in graph.results:
        c = got[r.control.id]
        assert (c["status"], c["evaluated"], c["failed"]) == (r.status, r.evaluated, r.failed)
        rate = None if not r.evaluated else round((r.evaluated - r.failed) / r.evaluated, 4)
        assert c["pass_rate"] == rate and len(c["trend"]) == 1 and c["title"] == r.control.meta.title


def test_findings_endpoint_filters(graph: Graph) -> None:
    c, h = graph.client, graph.headers
    total = sum(r.failed for r in graph.results)
    page = c.get("/api/v1/findings?limit=1000", headers=h).json()
    assert page["available"] and page["total"] == len(page["items"]) == total
    crit = c.get("/api/v1/findings?severity=critical", headers=h).json()
    assert crit["total"] == _open_by(graph.results, "severity")["critical"]
    failing = next(r for r in graph.results if r.failed)
    by_control = c.get(f"/api/v1/findings?control={failing.control.id}", headers=h).json()
    assert {f["asset_id"] for f in by_control["items"]} == {row["asset_id"] for row in failing.rows}
    scoped = c.get(f"/api/v1/findings?scope={EXPECTED['k8s_cluster']}&state=all&limit=1000", headers=h).json()
    assert scoped["total"] == sum(
        1
        for r in graph.results
        for row in r.rows
        if str(row["scope"]).split("/")[0] == EXPECTED["k8s_cluster"]
    )
    small = c.get("/api/v1/findings?limit=2", headers=h).json()
    assert len(small["items"]) == 2 and small["truncated"]
    assert c.get("/api/v1/findings?state=resolved", headers=h).json()["total"] == 0
    assert c.get("/api/v1/findings?severity=urgent", headers=h).status_code == 422


def test_day1_runs_drift_creep_and_exposure(graph: Graph) -> None:
    runs = _widget(graph, "runs")["runs"]
    assert [(r["id"], r["status"]) for r in runs] == [(graph.ingest_run_id, "ok")]
    assert runs[0]["modules"] > 0 and runs[0]["control_run_id"]
    drift = _widget(graph, "latest-drift")
    assert drift["baseline"] and drift["assets"]["removed"] == drift["assets"]["changed"] == 0
    assert {d["label"]: d["added"] for d in drift["by_label"]}["EC2Instance"] == 5
    creep = _widget(graph, "privilege-creep")
    assert not creep["available"] and creep["reason"]  # one run: nothing to compare yet
    exposed = _widget(graph, "top-exposed-assets")
    if exposed["source"] is None:  # neither analysis.exposure nor exposed_internet yet
        assert not exposed["available"] and exposed["assets"] == []
    else:  # what the exposure analysis ranks, in its order, with our open-findings counts
        assert exposed["source"] == "analysis.exposure"
        ranked = analysis_exposure.top_exposed_assets(10)
        assert [a["id"] for a in exposed["assets"]] == [a["id"] for a in ranked]
        bastion = next(a for a in EXPECTED["exposed_assets"] if a["name"] == "bastion")["id"]
        [row] = [a for a in exposed["assets"] if a["id"] == bastion]
        failing = [f for r in graph.results for f in r.rows if f["asset_id"] == bastion]
        assert row["open_findings"] == len(failing)


def test_exposed_internet_property_lights_the_widget_up(graph: Graph) -> None:
    bastion = next(a for a in EXPECTED["exposed_assets"] if a["name"] == "bastion")["id"]
    graph_driver.write(
        "MATCH (i:EC2Instance {id: $id}) SET i.exposed_internet = true, i.exposed_internet_type = ['direct']",
        {"id": bastion},
    )
    try:
        with TestClient(create_app()) as fresh:  # a fresh cache: the marker did not move
            w = fresh.get("/api/v1/widgets/top-exposed-assets", headers=graph.headers).json()
        if w["source"] == "analysis.exposure":  # the analysis wins; check the fallback source directly
            w = {
                "available": True,
                "source": "exposed_internet",
                "assets": [a.model_dump() for a in exposure_widget._from_properties(10)],
            }
    finally:
        graph_driver.write(
            "MATCH (i:EC2Instance {id: $id}) REMOVE i.exposed_internet, i.exposed_internet_type",
            {"id": bastion},
        )
    assert w["available"] and w["source"] == "exposed_internet"
    # Only the bastion unless the exposure analysis marked others too (it follows the same convention).
    [asset] = [a for a in w["assets"] if a["id"] == bastion]
    assert (asset["label"], asset["exposure"]) == ("EC2Instance", ["direct"])
    assert asset["open_findings"] == sum(
        1 for r in graph.results for row in r.rows if row["asset_id"] == bastion
    )


def test_cache_hits_and_one_marker_read_per_interval(graph: Graph) -> None:
    with TestClient(create_app()) as c:
        first = c.get("/api/v1/widgets/asset-counts", headers=graph.headers)
        assert first.headers["x-widget-cache"] == "miss"
        start = time.monotonic()
        for _ in range(200):
            r = c.get("/api/v1/widgets/asset-counts", headers=graph.headers)
            assert r.headers["x-widget-cache"] == "hit" and r.content == first.content
        elapsed = time.monotonic() - start
        metrics = c.get("/metrics", headers=graph.headers).text
    assert 'invgraph_widget_cache_misses_total{widget="asset-counts"} 1.0' in metrics
    assert 'invgraph_widget_cache_hits_total{widget="asset-counts"} 200.0' in metrics
    reads = next(
        float(line.split()[-1])
        for line in metrics.splitlines()
        if line.startswith("invgraph_widget_run_marker_reads_total")
    )
    assert reads <= 2 + elapsed / 1.5  # one marker query per TTL, not one per request


def test_new_run_invalidates_the_cache(graph: Graph) -> None:
    c, h = graph.client, graph.headers
    for name in WIDGETS:
        c.get(f"/api/v1/widgets/{name}", headers=h)
        assert c.get(f"/api/v1/widgets/{name}", headers=h).headers["x-widget-cache"] == "hit"
    run_id, results = _ingest_and_evaluate("day2")
    time.sleep(1.6)  # past the marker TTL
    r = c.get("/api/v1/widgets/latest-drift", headers=h)
    assert r.headers["x-widget-cache"] == "miss"
    drift = r.json()
    assert drift["ingest_run_id"] == drift["run_id"] == run_id and not drift["baseline"]
    by_label = {d["label"]: d for d in drift["by_label"]}
    expected = EXPECTED["drift_day1_to_day2"]
    for kind in ("added", "removed"):
        counts = Counter(a["label"] for a in expected[kind] if " " not in a["label"])  # real labels only
        assert {label: by_label[label][kind] for label in counts} == dict(counts), kind
    for name in WIDGETS:
        w = c.get(f"/api/v1/widgets/{name}", headers=h).json()
        assert w["ingest_run_id"] == run_id, name
    assert [x["id"] for x in _widget(graph, "runs")["runs"]] == [run_id, graph.ingest_run_id]
    rates = {x["control_id"]: x for x in _widget(graph, "control-pass-rates")["controls"]}
    assert all(len(x["trend"]) == 2 for x in rates.values())
    # acme-acl-public was deleted: its findings are resolved, and the widgets say so.
    resolved = c.get("/api/v1/findings?state=resolved&limit=1000", headers=h).json()["items"]
    assert "acme-acl-public" in {f["asset_id"] for f in resolved}
    sev = _widget(graph, "findings-by-severity")
    assert sev["total_open"] == sum(r.failed for r in results)
    assert sum(s["resolved"] for s in sev["severities"]) == len(resolved)
    creep = _widget(graph, "privilege-creep")
    assert creep["available"] and creep["to_run"] == run_id
    # dave, bastion-role, ci-runner (principal ids differ by provider; their names do not)
    gained = {p["principal_id"].rsplit("/", 1)[-1] for p in EXPECTED["creep_day1_to_day2"]}
    assert gained <= {p["name"].rsplit("/", 1)[-1] for p in creep["top"]}, creep["top"]
    assert creep["newly_admin"] >= 2
