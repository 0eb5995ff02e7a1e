"""`history snapshot` on a graph written by another tool (cartography-style nodes, no AssetChange records)."""

from __future__ import annotations

from graph import driver
from history.drift import Filters
from history.snapshot import snapshot_pass
from queries.drift import drift


def _cartography_graph() -> None:
    # Shaped like cartography's output: id, lastupdated, firstseen, _module_* bookkeeping, an owner edge.
    driver.write(
        """
        CREATE (a:AWSAccount {id: '111122223333', name: 'prod', lastupdated: 1, firstseen: 1,
                              _module_name: 'cartography:aws', _module_version: '0.143.0'})
        CREATE (i:EC2Instance {id: 'i-1', instancetype: 't3.micro', lastupdated: 1, firstseen: 1})
        CREATE (j:EC2Instance {id: 'i-2', instancetype: 't3.small', lastupdated: 1, firstseen: 1})
        CREATE (sg:EC2SecurityGroup {id: 'sg-1', name: 'web', lastupdated: 1})
        CREATE (a)-[:RESOURCE {lastupdated: 1}]->(i), (a)-[:RESOURCE]->(j), (a)-[:RESOURCE]->(sg)
        CREATE (i)-[:MEMBER_OF_EC2_SECURITY_GROUP {lastupdated: 1}]->(sg)
        """
    )


def test_snapshot_pass_records_changes_against_the_previous_pass(neo4j: str) -> None:
    _cartography_graph()
    base = snapshot_pass()
    assert (
        base["baseline"]
        and base["nodes"] == 4
        and base["changes"] == {"added": 0, "changed": 0, "removed": 0, "relationships": 0}
    )
    # A cartography re-sync: bookkeeping moves everywhere, one real change, one add, one removal, a new edge.
    driver.write(
        "MATCH (n) WHERE n.lastupdated IS NOT NULL SET n.lastupdated = 2, n._module_version = '0.144.0'"
    )
    driver.write("MATCH (i:EC2Instance {id: 'i-1'}) SET i.instancetype = 't3.large'")
    driver.write("MATCH (j:EC2Instance {id: 'i-2'}) DETACH DELETE j")
    driver.write(
        "MATCH (sg:EC2SecurityGroup {id: 'sg-1'}) CREATE (:EC2Instance {id: 'i-3', lastupdated: 2})"
        "-[:MEMBER_OF_EC2_SECURITY_GROUP]->(sg)"
    )
    second = snapshot_pass()
    assert second["changes"] == {"added": 1, "changed": 1, "removed": 1, "relationships": 1}
    doc = drift(base["run_id"], second["run_id"])
    assert [a["id"] for a in doc["assets"]["added"]] == ["i-3"]
    assert [(a["id"], a["name"]) for a in doc["assets"]["removed"]] == [("i-2", "i-2")]
    assert doc["assets"]["changed"] == [
        {
            "id": "i-1",
            "name": "i-1",
            "labels": ["EC2Instance"],
            # The owner by Cartography's sub-resource relationship, so --account filters find it.
            "scope": "111122223333",
            "changes": [{"property": "instancetype", "before": "t3.micro", "after": "t3.large"}],
        }
    ]
    scoped = drift(base["run_id"], second["run_id"], Filters("111122223333"))
    assert [a["id"] for a in scoped["assets"]["changed"]] == ["i-1"]
    assert not drift(base["run_id"], second["run_id"], Filters("999988887777"))["assets"]["changed"]
    assert doc["relationships"]["added"] == [
        {"start": "i-3", "type": "MEMBER_OF_EC2_SECURITY_GROUP", "end": "sg-1"}
    ]
    third = snapshot_pass()  # nothing changed since: nothing recorded
    assert third["changes"] == {"added": 0, "changed": 0, "removed": 0, "relationships": 0}
    run = driver.read(
        "MATCH (r:IngestRun {id: $id}) RETURN r.source AS s, r.status AS st", {"id": third["run_id"]}
    )
    assert run == [{"s": "history-snapshot", "st": "ok"}]
