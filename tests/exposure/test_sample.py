"""Exposure on the generated sample (small scale), ingested for real: planted exposures found with the
right hops, decoys not reported, the planted cross-layer path found."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis.exposure.paths import find_paths
from graph import driver
from ingest.sample import generate
from tests.exposure.conftest import ingest_and_compute

EXPOSED_KINDS = {
    "ec2_instance_internet_exposed_admin_port": "direct",
    "elbv2_internet_facing_to_instance": "elb",
    "rds_instance_publicly_accessible": "direct",
    "lambda_function_url_public": "function-url",
    "s3_bucket_public_by_policy": "s3-policy",
    "s3_bucket_public_by_acl": "s3-acl",
    "eks_cluster_public_endpoint_open": "eks-endpoint",
    "k8s_namespace_lb_without_network_policy": "k8s-service",
}


@pytest.fixture(scope="module")
def sample(neo4j_uri: str) -> Iterator[dict[str, Any]]:
    out = Path(tempfile.mkdtemp(prefix="invgraph-exposure-sample-"))
    manifest = generate(out, scale=0.2, days=1)
    yield {"manifest": manifest, **ingest_and_compute(out / "day-01")}
    shutil.rmtree(out, ignore_errors=True)


def _exposed() -> dict[str, dict[str, Any]]:
    rows = driver.read(
        "MATCH (r:ExposureRun {latest: true}) MATCH (n:ExposedAsset {run_id: r.run_id}) "
        "RETURN n.node_id AS id, n.name AS name, n.exposure_types AS types, n.ports AS ports"
    )
    return {r["id"]: r for r in rows}


def _asset_key(item: dict[str, Any]) -> str:
    """Planted LBs are named by ARN; our LoadBalancerV2 id is the DNS name."""
    if ":loadbalancer/" in item["asset_id"]:
        return driver.read(
            "MATCH (lb:LoadBalancerV2 {arn: $arn}) RETURN lb.id AS id", {"arn": item["asset_id"]}
        )[0]["id"]
    return item["asset_id"]


def test_planted_exposures_are_found(sample: dict[str, Any]) -> None:
    exposed = _exposed()
    planted = [p for p in sample["manifest"]["planted"] if p["kind"] in EXPOSED_KINDS and p["day_from"] == 1]
    assert len(planted) >= 8
    for item in planted:
        key = _asset_key(item)
        assert key in exposed, item
        assert EXPOSED_KINDS[item["kind"]] in exposed[key]["types"], (item, exposed[key])
    bastion = next(p for p in planted if p["id"] == "aws-ec2-internet-ssh")
    assert "22/tcp" in exposed[bastion["asset_id"]]["ports"]
    # The ALB's planted target is reached through the ALB (lb-target hop).
    web = next(p for p in planted if p["id"] == "aws-alb-internet-to-instance")
    target = web["description"].split("-> ")[-1].split(" ")[0]
    hops = find_paths(target=target)["paths"][0]["hops"]
    assert [h["type"] for h in hops] == ["internet", "lb-target"]


def test_decoys_are_not_reported(sample: dict[str, Any]) -> None:
    exposed = _exposed()
    decoys = [d for d in sample["manifest"]["decoys"] if d["kind"] in EXPOSED_KINDS]
    assert {d["id"] for d in decoys} >= {
        "decoy-ec2-open-sg-isolated",
        "decoy-ec2-nacl-denies-port",
        "decoy-rds-private",
        "decoy-s3-policy-blocked",
        "decoy-k8s-lb-netpol-deny",
    }
    for d in decoys:
        if d["kind"] == "k8s_namespace_lb_without_network_policy":
            # The Service itself has an LB, but no pod behind it is reachable (default-deny policy).
            pods = driver.read(
                "MATCH (:KubernetesService {id: $id})-[:TARGETS]->(p) RETURN p.id AS id",
                {"id": d["asset_id"]},
            )
            assert pods and not any(p["id"] in exposed for p in pods), d
        else:
            assert d["asset_id"] not in exposed, d
    internal = next(d for d in sample["manifest"]["decoys"] if d["id"] == "decoy-sg-ssh-internal-only")
    instance = internal["description"].split("public instance ")[-1].rstrip(".")
    assert "22/tcp" not in exposed.get(instance, {}).get("ports", []), internal


def test_planted_cross_layer_path(sample: dict[str, Any]) -> None:
    item = next(p for p in sample["manifest"]["planted"] if p["id"] == "xlayer-lb-to-crown-jewels")
    by_type: dict[str, list[str]] = {}
    for hop in item["path"]:
        by_type.setdefault(hop["type"], []).append(hop["id"])
    for terminal in ("S3Bucket", "SecretsManagerSecret"):
        paths = find_paths(target=by_type[terminal][0], cluster="prod-eks")["paths"]
        assert paths, terminal
        p = paths[0]
        assert [n["label"] for n in p["nodes"]] == [
            "Internet",
            "KubernetesService",
            "KubernetesPod",
            "KubernetesServiceAccount",
            "AWSRole",
            terminal,
        ]
        assert p["nodes"][1]["id"] == by_type["KubernetesService"][0]
        assert p["nodes"][2]["id"] in by_type["KubernetesPod"]
        sa = driver.read(
            "MATCH (sa:KubernetesServiceAccount {id: $id}) RETURN sa.uid AS uid", {"id": p["nodes"][3]["id"]}
        )
        assert sa[0]["uid"] == by_type["KubernetesServiceAccount"][0]
        assert p["nodes"][4]["id"] == by_type["AWSRole"][0]
        assert "payments-data-access" in p["hops"][-1]["reason"]
