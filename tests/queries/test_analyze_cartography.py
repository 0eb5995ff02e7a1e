"""`invgraph analyze --from-cartography` on a graph Cartography 0.143's own loaders wrote, synced twice.

Day 1 and day 2 of the hand-written snapshot (AWS CLI v2 and ``kubectl -o json`` output) go through
Cartography's transform and ``load_*`` functions (tests/queries/test_cartography_compat.py,
tests/queries/cartography_k8s.py), with a GCP project in Compute API shapes
(tests/queries/cartography_gcp.py);
day 2 also gives ci-bot an inline ``*`` policy through Cartography's ``transform_policy_data`` /
``load_policy_data``. Cartography's own EC2 exposure analysis
job runs after each sync. Then our analyses run on that graph: no control errors and no control passes on
data Cartography does not collect; privileges and creep for the AdministratorAccess and inline ``*`` users;
the public buckets found from Cartography's statement and ACL nodes; drift filtered by account; and
Cartography's ``exposed_internet`` left exactly as its job wrote it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cartography.analysis.aws.analysis import AWS_EC2_ASSET_EXPOSURE_INSTANCE
from cartography.intel.aws import iam
from cartography.util import run_typed_analysis_and_ensure_deps

from analysis.privileges.creep import creep
from config import set_settings
from graph import driver
from history.drift import Filters
from pipeline.analyze import analyze
from queries.drift import drift
from tests.conftest import _wipe, wipe_app_db
from tests.queries import cartography_aws_network, cartography_gcp, cartography_k8s
from tests.queries import test_cartography_compat as compat

ACCOUNT = compat.ACCOUNT
A = compat.A
DAY2 = compat.DAY1.parents[2] / "day2" / "aws" / ACCOUNT
TAGS = (1795154400000, 1795240800000)
INLINE_STAR = {f"{A}user/ci-bot": {"break-glass": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}


def _sync(session: Any, day: Path, tag: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compat, "DAY1", day)
    monkeypatch.setattr(compat, "TAG", tag)
    compat.load_with_cartography(session)
    cartography_aws_network.load_network(session, day, ACCOUNT, tag)
    if day == DAY2:
        data = iam.transform_policy_data(INLINE_STAR, "inline")
        iam.load_policy_data(session, data, tag, ACCOUNT)
    cartography_k8s.load_cluster(session, day.parents[1] / "k8s" / cartography_k8s.CLUSTER, tag)
    cartography_gcp.load_project(session, tag)
    deps = {"ec2:instance", "ec2:security_group"}
    params = {"UPDATE_TAG": tag, "AWS_ID": ACCOUNT}
    run_typed_analysis_and_ensure_deps(AWS_EC2_ASSET_EXPOSURE_INSTANCE, deps, deps, params, session)


def _cartography_marks() -> dict[str, Any]:
    return {
        r["id"]: (r["e"], sorted(r["t"] or []))
        for r in driver.read(
            "MATCH (n) WHERE n.exposed_internet IS NOT NULL "
            "RETURN n.id AS id, n.exposed_internet AS e, n.exposed_internet_type AS t"
        )
    }


@pytest.fixture(scope="module")
def two_runs(neo4j_uri: str) -> Iterator[list[Any]]:
    # Module scope: both tests only read the graph the two syncs and analyses leave (one pass, not two).
    set_settings(None)
    _wipe()
    wipe_app_db()
    # A graph Cartography built alone has none of our uniqueness constraints; ours on IpRange.id (left by
    # earlier tests' ingests) would refuse Cartography's GCP loader, which creates a second IpRange node per
    # CIDR under its GCPIpRange label (docs/cartography.md).
    driver.write("DROP CONSTRAINT iprange_id IF EXISTS")
    reports = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        for day, tag in ((compat.DAY1, TAGS[0]), (DAY2, TAGS[1])):
            with driver.session() as session:
                _sync(session, day, tag, monkeypatch)
            marks = _cartography_marks()
            assert marks, "Cartography's exposure job marked nothing: the comparison below would be empty"
            reports.append(analyze(from_cartography=True))
            assert _cartography_marks() == marks  # exposed_internet is Cartography's: never written by us
    yield reports


def test_analyze_on_a_cartography_graph(two_runs: list[Any]) -> None:
    day1, day2 = two_runs
    # Controls: every one ran; the gaps of Cartography's model are unknown, never pass.
    for report in two_runs:
        assert report.controls["error"] == 0, [
            (c["id"], c["error"]) for c in report.controls_report["controls"] if c["status"] == "error"
        ]
    status = {c["id"]: c for c in day2.controls_report["controls"]}
    assert status["s3_bucket_public_policy"]["status"] == "fail"  # list actions no longer crash it
    assert {f["asset_id"] for f in status["s3_bucket_public_policy"]["findings"]} == {"acme-public-assets"}
    reasons = {f["asset_id"]: f["reason"] for f in status["s3_bucket_insecure_transport_allowed"]["findings"]}
    assert "no bucket policy" not in reasons["acme-public-assets"]  # it has a policy (statement nodes)
    assert status["iam_user_admin_policy_attached"]["status"] == "fail"

    # Privileges on Cartography's statement nodes: AdministratorAccess and an inline "*" make admins.
    assert ACCOUNT in day2.privileges["aws"]
    admins = {r["id"] for r in driver.read("MATCH (u:AWSUser) WHERE u.admin_equivalent RETURN u.id AS id")}
    assert {f"{A}user/bob", f"{A}user/ci-bot"} <= admins, admins
    grown = {p["id"]: p for p in creep(day1.run_id, day2.run_id)["principals"]}
    assert grown[f"{A}user/ci-bot"]["admin_after"] and not grown[f"{A}user/ci-bot"]["admin_before"]
    assert grown[f"{A}user/dave"]["admin_after"]  # joined the admins group (AdministratorAccess)

    # Exposure from Cartography's S3 statement and ACL nodes; our marks in our own properties.
    exposed = {
        r["id"]: r["t"]
        for r in driver.read(
            "MATCH (n) WHERE n.invgraph_exposed RETURN n.id AS id, n.invgraph_exposure_types AS t"
        )
    }
    assert exposed.get("acme-public-assets") == ["s3-policy"]
    assert exposed.get("i-0b45a1c2d3e4f5061") == ["direct"]  # the bastion: public IP, route, SG 22 open
    assert exposed.get("acme-acl-public") == ["s3-acl"]

    # Drift between the two history passes, scoped by the owning account (sub-resource relationship).
    doc = drift(day1.run_id, day2.run_id, Filters(ACCOUNT, None, None, None))
    changed = {c["id"] for c in doc["assets"]["changed"]} | {c["id"] for c in doc["assets"]["added"]}
    assert changed, doc["assets"]
    other = drift(day1.run_id, day2.run_id, Filters("999999999999", None, None, None))
    assert not other["assets"]["changed"] and not other["assets"]["added"]


def test_kubernetes_and_gcp_on_a_cartography_graph(two_runs: list[Any]) -> None:
    day1, day2 = two_runs
    status = {c["id"]: c for c in day2.controls_report["controls"]}
    # Cartography collects hostNetwork / hostPID (decided) but not privileged nor the merged securityContext.
    assert status["k8s_pod_host_network"]["status"] == "fail"
    assert status["k8s_pod_privileged_container"]["status"] == "unknown"
    assert {u["missing"][0] for u in status["k8s_pod_privileged_container"]["unknowns"]} == {"privileged"}
    assert status["k8s_container_may_run_as_root"]["status"] in ("unknown", "fail")
    assert status["k8s_container_may_run_as_root"]["unknown"] > 0

    # Exposure: the LoadBalancer Service (ports from its pods' containers) to its pods, the GCE instance.
    exposed = {
        r["id"]: (r["label"], r["t"])
        for r in driver.read(
            "MATCH (n) WHERE n.invgraph_exposed "
            "RETURN n.id AS id, n.invgraph_exposure_types AS t, "
            "CASE WHEN n:GCPInstance THEN 'GCPInstance' ELSE head(labels(n)) END AS label"
        )
    }
    services = {
        r["id"]: r["name"]
        for r in driver.read("MATCH (s:KubernetesService) RETURN s.id AS id, s.name AS name")
    }
    exposed_services = {services[i] for i in exposed if i in services}
    assert "payments-lb" in exposed_services, exposed
    payments_pods = {
        r["id"]
        for r in driver.read(
            "MATCH (:KubernetesService {name: 'payments-lb'})-[:TARGETS]->(p:KubernetesPod) RETURN p.id AS id"
        )
    }
    assert payments_pods and payments_pods <= set(exposed)
    web1 = "projects/acme-prod/zones/us-central1-a/instances/web-1"
    db1 = "projects/acme-prod/zones/us-central1-a/instances/db-1"
    assert exposed.get(web1) == ("GCPInstance", ["direct"]), exposed
    assert db1 not in exposed
    ports = driver.read(
        "MATCH (r:ExposureRun {latest: true}) MATCH (n:ExposedAsset {run_id: r.run_id, node_id: $id}) "
        "RETURN n.ports AS ports",
        {"id": web1},
    )
    assert ports[0]["ports"] == ["22/tcp"]  # allow-sa-only (8080) targets another service account

    # RBAC permissions from Cartography's flattened rules and SUBJECT edges.
    assert day2.privileges["k8s"] == [cartography_k8s.CLUSTER]
    admin = driver.read("MATCH (u:KubernetesUser) WHERE u.admin_equivalent RETURN u.name AS name")
    assert "dev@example.com" in {r["name"] for r in admin}, admin
