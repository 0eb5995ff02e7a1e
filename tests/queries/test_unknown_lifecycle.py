"""An asset whose required data stops being collected is unknown: its open finding is neither resolved by the
control run nor reported as resolved by drift (real Neo4j)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from graph import driver
from history import runs
from queries.catalogue import load_catalogue
from queries.drift import finding_changes
from queries.service import execute
from tests.queries.graph_fixture import load_graph, read_fixture

CONTROL = "eks_cluster_secrets_encryption_disabled"
ARN = "arn:aws:eks:us-east-1:111122223333:cluster/carto"


def test_unknown_keeps_the_open_finding(neo4j: str) -> None:
    control = load_catalogue().get(CONTROL)
    load_graph(read_fixture(control.fixtures["unknown"]))
    at = datetime(2026, 11, 20, 6, tzinfo=UTC)
    first, _ = runs.new_run("test", at)
    driver.write("MATCH (c:AWSEKSCluster {id: $id}) SET c.secrets_encrypted = false", {"id": ARN})
    one = execute([control], first, at=at)
    assert [r.status for r in one.results] == ["fail"]
    # The next collector run does not write the property (a Cartography sync): undecided, not fixed.
    second, _ = runs.new_run("test", at + timedelta(days=1))
    driver.write("MATCH (c:AWSEKSCluster {id: $id}) REMOVE c.secrets_encrypted", {"id": ARN})
    two = execute([control], second, at=at + timedelta(days=1))
    assert [(r.status, r.failed, r.unknown) for r in two.results] == [("unknown", 0, 1)]
    states = driver.read("MATCH (f:Finding {control_id: $c}) RETURN f.state AS s", {"c": CONTROL})
    assert [r["s"] for r in states] == ["new"]  # not resolved
    assert finding_changes(first, second)["resolved"] == []
    # When the property comes back true, the finding is resolved as usual.
    third, _ = runs.new_run("test", at + timedelta(days=2))
    driver.write("MATCH (c:AWSEKSCluster {id: $id}) SET c.secrets_encrypted = true", {"id": ARN})
    three = execute([control], third, at=at + timedelta(days=2))
    assert [r.status for r in three.results] == ["pass"]
    states = driver.read("MATCH (f:Finding {control_id: $c}) RETURN f.state AS s", {"c": CONTROL})
    assert [r["s"] for r in states] == ["resolved"]
    assert [f["asset_id"] for f in finding_changes(first, third)["resolved"]] == [ARN]
