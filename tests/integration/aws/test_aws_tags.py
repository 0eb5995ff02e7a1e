"""Tags from the describe calls land on the nodes as {key: value} JSON, and a crown-jewel tag set on an AWS
resource (not only a Kubernetes label) makes it a crown jewel of the exposure analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import driver
from pipeline.run import ingest_snapshot

DATA = Path(__file__).resolve().parents[2] / "data"
DAY1 = DATA / "snapshots" / "handwritten" / "day1" / "aws" / "123456789012"


def _file_tags(path: Path, list_key: str, tag_key: str) -> dict[str, dict[str, str]]:
    """id -> tags read straight from a CLI output file (the expectation, not the loader's code)."""
    data = json.loads(path.read_text())
    items = data[list_key]
    if list_key == "Reservations":
        items = [i for r in items for i in r["Instances"]]
    out = {}
    for item in items:
        ident = item.get("InstanceId") or item.get("DBInstanceArn") or item.get("ARN")
        out[ident] = {t["Key"]: t["Value"] for t in item.get(tag_key) or []}
    return out


@pytest.fixture(scope="module")
def loaded(neo4j_uri: str) -> None:
    # Module-scoped (one ingest for every test here), so it empties the graph itself like `neo4j` does.
    with driver.session() as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    ingest_snapshot(DATA / "snapshots" / "handwritten" / "day1")


@pytest.mark.parametrize(
    ("label", "path", "list_key", "tag_key"),
    [
        ("EC2Instance", "us-east-1/ec2/describe-instances.json", "Reservations", "Tags"),
        ("RDSInstance", "us-east-1/rds/describe-db-instances.json", "DBInstances", "TagList"),
        ("SecretsManagerSecret", "us-east-1/secretsmanager/list-secrets.json", "SecretList", "Tags"),
    ],
)
def test_tags_are_stored_as_json_maps(
    loaded: None, label: str, path: str, list_key: str, tag_key: str
) -> None:
    expected = _file_tags(DAY1 / path, list_key, tag_key)
    assert any(expected.values()), f"{path} has no tags: the test would prove nothing"
    rows = driver.read(f"MATCH (n:{label}) RETURN n.id AS id, n.tags AS tags")
    stored = {r["id"]: json.loads(r["tags"]) if r["tags"] else {} for r in rows}
    assert stored == expected


def test_eks_cluster_keeps_enabled_log_types_and_tags(loaded: None) -> None:
    raw = json.loads((DAY1 / "us-east-1/eks/describe-cluster/prod-eks.json").read_text())["cluster"]
    enabled = sorted({t for e in raw["logging"]["clusterLogging"] if e.get("enabled") for t in e["types"]})
    row = driver.read(
        "MATCH (c:EKSCluster {name: 'prod-eks'}) RETURN c.enabled_logging_types AS t, c.tags AS tags"
    )
    assert row[0]["t"] == enabled
    assert json.loads(row[0]["tags"]) == raw["tags"]


def test_role_tags_from_authorization_details(loaded: None) -> None:
    details = json.loads((DAY1 / "global/iam/get-account-authorization-details.json").read_text())
    tagged = {
        r["Arn"]: {t["Key"]: t["Value"] for t in r["Tags"]}
        for r in details["RoleDetailList"]
        if r.get("Tags")
    }
    tagged |= {
        u["Arn"]: {t["Key"]: t["Value"] for t in u["Tags"]}
        for u in details["UserDetailList"]
        if u.get("Tags")
    }
    assert tagged
    rows = driver.read(
        "MATCH (p:AWSPrincipal) WHERE p.id IN $ids RETURN p.id AS id, p.tags AS tags", {"ids": list(tagged)}
    )
    assert {r["id"]: json.loads(r["tags"]) for r in rows} == tagged


def test_an_aws_tag_marks_a_crown_jewel(loaded: None) -> None:
    """bastion (Owner=alice in describe-instances) is internet-exposed: with the tag rule set to
    Owner=alice it
    is stored as a crown jewel because of its tag, and an instance without the tag is not."""
    from analysis.exposure import compute
    from config import ExposureSettings

    summary = compute(settings=ExposureSettings(crown_jewel_tag="Owner=alice"))
    rows = driver.read(
        "MATCH (n:ExposureNode {run_id: $run}) WHERE n.label = 'EC2Instance' "
        "RETURN n.node_id AS id, n.crown_jewel AS crown, n.crown_reason AS why",
        {"run": summary.run_id},
    )
    tags = _file_tags(DAY1 / "us-east-1/ec2/describe-instances.json", "Reservations", "Tags")
    by_id = {r["id"]: r for r in rows}
    owned = [i for i in by_id if tags.get(i, {}).get("Owner") == "alice"]
    others = [i for i in by_id if tags.get(i, {}).get("Owner") != "alice"]
    assert owned and others
    assert all(by_id[i]["crown"] and by_id[i]["why"] == "tag Owner=alice" for i in owned)
    assert not any(by_id[i]["crown"] for i in others)
