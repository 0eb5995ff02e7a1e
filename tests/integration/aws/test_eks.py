"""EKS clusters (list-clusters + describe-cluster/<name>) on a real Neo4j."""

from __future__ import annotations

from pathlib import Path

from aws_network_support import ACCOUNT, copy_day1, edit, ids, path_of, props, run

from ingest.aws import eks

CLUSTER = f"arn:aws:eks:us-east-1:{ACCOUNT}:cluster/prod-eks"


def test_eks_cluster_endpoint_and_oidc_issuer(neo4j: str, tmp_path: Path) -> None:
    result = run(copy_day1(tmp_path, ["eks"]), 1, [eks.MODULE])[(ACCOUNT, "us-east-1", "eks")]
    assert result.status == "ok"
    c = props("EKSCluster", CLUSTER)
    assert (c["name"], c["version"], c["endpoint_public_access"], c["public_access_cidrs"]) == (
        "prod-eks",
        "1.31",
        True,
        ["0.0.0.0/0"],
    )
    assert c["oidc_issuer"] == "https://oidc.eks.us-east-1.amazonaws.com/id/8A1B2C3D4E5F60718293A4B5C6D7E8F9"
    assert c["endpoint"].startswith("https://") and c["audit_logging"] is False
    assert {"EKSCluster", "AWSEKSCluster"} <= c["_labels"]


def test_listed_cluster_without_describe_file_is_partial(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path, ["eks"])
    run(root, 1, [eks.MODULE])
    edit(root, "eks", "list-clusters", lambda d: d["clusters"].append("staging-eks") and None)
    path_of(root, "eks", "describe-cluster", "prod-eks").write_text("not json")
    result = run(root, 2, [eks.MODULE])[(ACCOUNT, "us-east-1", "eks")]
    assert result.status == "partial"
    assert sorted(e.split(":")[0].rsplit("/", 1)[-1] for e in result.errors) == [
        "prod-eks.json",
        "staging-eks.json",
    ]
    assert ids("EKSCluster") == {CLUSTER} and props("EKSCluster", CLUSTER)["lastupdated"] == 1
