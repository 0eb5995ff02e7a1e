"""The generic loader on a real Neo4j: merge, relationships, change detection, scoped cleanup."""

from __future__ import annotations

from graph import driver
from graph.schema import loader
from graph.schema.model import C, Direction, NodeSchema, P, RelSchema, account_resource

ACCOUNT = NodeSchema("AWSAccount", {"id": P("id"), "name": P("name")})
VPC = NodeSchema(
    "EC2VPC",
    {"id": P("id"), "cidr_block": P("cidr"), "region": C("region")},
    sub_resource=account_resource(),
    cleanup_scope=("region",),
)
SUBNET = NodeSchema(
    "EC2Subnet",
    {"id": P("id"), "subnetid": P("id"), "cidr_block": P("cidr"), "region": C("region")},
    sub_resource=account_resource(),
    relationships=(RelSchema("MEMBER_OF_EC2_VPC", "EC2VPC", {"id": P("vpc")}),),
    cleanup_scope=("region",),
)
TAGGED = NodeSchema(
    "AWSTag",
    {"id": P("id"), "key": P("key")},
    sub_resource=account_resource(),
    relationships=(RelSchema("TAGGED", "EC2Subnet", {"id": P("subnets")}, Direction.INWARD, many=True),),
)


def _rels() -> set[tuple[str, str, str]]:
    rows = driver.read("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b")
    return {(r["a"], r["t"], r["b"]) for r in rows}


def _ids(label: str) -> set[str]:
    return {r["id"] for r in driver.read(f"MATCH (n:{label}) RETURN n.id AS id")}


def _sync(
    tag: int, region: str, vpcs: list[dict], subnets: list[dict], account: str = "111"
) -> loader.LoadResult:
    loader.load(ACCOUNT, [{"id": account, "name": "a"}], tag)
    loader.load(VPC, vpcs, tag, AWS_ID=account, region=region)
    return loader.load(SUBNET, subnets, tag, AWS_ID=account, region=region)


def test_load_merges_nodes_and_relationships(neo4j: str) -> None:
    loader.ensure_indexes([ACCOUNT, VPC, SUBNET, TAGGED])
    res = _sync(
        1,
        "us-east-1",
        [{"id": "vpc-1", "cidr": "10.0.0.0/16"}],
        [{"id": "subnet-1", "cidr": "10.0.1.0/24", "vpc": "vpc-1"}],
    )
    assert (res.nodes, res.relationships) == (1, 2)
    assert _rels() == {
        ("111", "RESOURCE", "vpc-1"),
        ("111", "RESOURCE", "subnet-1"),
        ("subnet-1", "MEMBER_OF_EC2_VPC", "vpc-1"),
    }
    loader.load(TAGGED, [{"id": "t1", "key": "env", "subnets": ["subnet-1", "subnet-404"]}], 1, AWS_ID="111")
    assert ("subnet-1", "TAGGED", "t1") in _rels()


def test_second_load_reports_only_changes(neo4j: str) -> None:
    subnets = [{"id": f"subnet-{i}", "cidr": f"10.0.{i}.0/24", "vpc": "vpc-1"} for i in range(5)]
    vpcs = [{"id": "vpc-1", "cidr": "10.0.0.0/16"}]
    first = _sync(1, "us-east-1", vpcs, subnets)
    assert sorted(c.id for c in first.changes if c.added) == [f"subnet-{i}" for i in range(5)]
    subnets[3] = {**subnets[3], "cidr": "10.9.9.0/24"}
    second = _sync(2, "us-east-1", vpcs, subnets)
    assert [(c.id, c.added, c.before["cidr_block"], c.after["cidr_block"]) for c in second.changes] == [
        ("subnet-3", False, "10.0.3.0/24", "10.9.9.0/24")
    ]
    third = _sync(3, "us-east-1", vpcs, subnets)
    assert third.changes == []


def test_cleanup_is_scoped_to_account_and_region(neo4j: str) -> None:
    _sync(
        1,
        "us-east-1",
        [{"id": "vpc-e", "cidr": "10.0.0.0/16"}],
        [{"id": "subnet-e", "cidr": "x", "vpc": "vpc-e"}],
    )
    _sync(
        1,
        "eu-west-1",
        [{"id": "vpc-w", "cidr": "10.1.0.0/16"}],
        [{"id": "subnet-w", "cidr": "x", "vpc": "vpc-w"}],
    )
    _sync(1, "us-east-1", [{"id": "vpc-b", "cidr": "10.2.0.0/16"}], [], account="222")
    # Run 2 sees us-east-1 of account 111 only, where subnet-e is gone.
    _sync(2, "us-east-1", [{"id": "vpc-e", "cidr": "10.0.0.0/16"}], [])
    removed = loader.cleanup(SUBNET, 2, AWS_ID="111", region="us-east-1")
    loader.cleanup(VPC, 2, AWS_ID="111", region="us-east-1")
    assert [n[0] for n in removed.removed_nodes] == ["subnet-e"]
    assert _ids("EC2Subnet") == {"subnet-w"}
    assert _ids("EC2VPC") == {"vpc-e", "vpc-w", "vpc-b"}


def test_stale_relationship_is_removed_but_node_kept(neo4j: str) -> None:
    vpcs = [{"id": "vpc-1", "cidr": "a"}, {"id": "vpc-2", "cidr": "b"}]
    _sync(1, "us-east-1", vpcs, [{"id": "subnet-1", "cidr": "x", "vpc": "vpc-1"}])
    _sync(2, "us-east-1", vpcs, [{"id": "subnet-1", "cidr": "x", "vpc": "vpc-2"}])
    out = loader.cleanup(SUBNET, 2, AWS_ID="111", region="us-east-1")
    assert out.removed_relationships == [("subnet-1", "MEMBER_OF_EC2_VPC", "vpc-1")]
    assert ("subnet-1", "MEMBER_OF_EC2_VPC", "vpc-2") in _rels()


def test_removed_nodes_name_the_schema_label_whatever_the_token_order(neo4j: str) -> None:
    """Neo4j returns labels(n) in label-token order. A database that first saw the generic extra label (a GCP
    bucket's ObjectStorage before any S3 bucket) would otherwise name removed nodes by the generic label."""
    generic = "InvgraphTestGenericLabel"
    driver.write(f"CREATE (:{generic} {{id: 'token-first'}})")  # the generic label's token exists first
    driver.write(f"MATCH (n:{generic}) DELETE n")
    schema = NodeSchema("InvgraphTestWidget", {"id": P("id")}, account_resource(), extra_labels=(generic,))
    loader.load(NodeSchema("AWSAccount", {"id": P("id")}), [{"id": "111"}], 1)
    loader.load(schema, [{"id": "w-1"}], 1, AWS_ID="111")
    (token_order,) = driver.read("MATCH (n:InvgraphTestWidget) RETURN labels(n) AS l")
    assert token_order["l"][0] == generic  # the situation the loader must not depend on
    removed = loader.cleanup(schema, 2, AWS_ID="111")
    assert removed.removed_nodes == [("w-1", ["InvgraphTestWidget", generic], {"id": "w-1"})]
