"""VPC, subnets, gateways, route tables, NACLs and security groups on a real Neo4j."""

from __future__ import annotations

from pathlib import Path

from aws_network_support import ACCOUNT, copy_day1, edit, graph_state, ids, props, rels, run, statuses, write

from ingest.aws import internet_gateway, network_acl, route_table, security_group, subnet, vpc

VPC = "vpc-0f3c9a8e21b7d4a56"
IGW = "igw-0e5f6a7b8c9d0e1f2"
PUBLIC_A, PUBLIC_B = "subnet-0a1f2e3d4c5b6a701", "subnet-0b2e3d4c5b6a70812"
PRIVATE_A, PRIVATE_B = "subnet-0c3d4c5b6a7081923", "subnet-0d4c5b6a708192a34"
SUBNETS = {PUBLIC_A, PUBLIC_B, PRIVATE_A, PRIVATE_B}
NETWORK = [
    vpc.MODULE,
    subnet.MODULE,
    internet_gateway.MODULE,
    route_table.MODULE,
    network_acl.MODULE,
    security_group.MODULE,
]


def test_day1_vpc_subnets_gateway_routes(neo4j: str, tmp_path: Path) -> None:
    results = run(copy_day1(tmp_path, ["ec2"]), 1, NETWORK)
    assert set(statuses(results).values()) == {"ok"}
    assert ids("AWSVpc") == {VPC}
    assert props("AWSVpc", VPC)["cidr_blocks"] == ["10.0.0.0/16"]
    assert rels("MEMBER_OF_AWS_VPC", "EC2Subnet") == {(s, VPC) for s in SUBNETS}
    assert {"EC2Subnet", "AWSEC2Subnet", "Subnet"} <= props("EC2Subnet", PUBLIC_A)["_labels"]
    assert rels("RESOURCE", "AWSAccount", "EC2Subnet") == {(ACCOUNT, s) for s in SUBNETS}
    assert rels("ATTACHED_TO", "AWSInternetGateway") == {(IGW, VPC)}
    assert rels("ROUTES_TO_GATEWAY") == {("rtb-01a2b3c4d5e6f7081|0.0.0.0/0", IGW)}
    # subnet ← association ← route table → route → internet gateway: only the public subnets get there.
    rows = neo4j_paths("""
        MATCH (s:EC2Subnet)<-[:ASSOCIATED_SUBNET]-(:EC2RouteTableAssociation)<-[:ASSOCIATION]-(:EC2RouteTable)
              -[:ROUTE]->(r:EC2Route)-[:ROUTES_TO_GATEWAY]->(:AWSInternetGateway)
        RETURN s.id AS s, r.destination_cidr_block AS dest""")
    assert rows == {(PUBLIC_A, "0.0.0.0/0"), (PUBLIC_B, "0.0.0.0/0")}
    assert props("EC2RouteTable", "rtb-03c4d5e6f708192a3")["main"] is True


def neo4j_paths(query: str) -> set[tuple]:
    from graph import driver

    return {tuple(r.values()) for r in driver.read(query)}


def test_network_acl_rules_and_subnets(neo4j: str, tmp_path: Path) -> None:
    run(copy_day1(tmp_path, ["ec2"]), 1, NETWORK)
    acl = f"arn:aws:ec2:us-east-1:{ACCOUNT}:network-acl/acl-0a1b2c3d4e5f60789"
    assert {s for a, s in rels("PART_OF_SUBNET", "EC2NetworkAcl") if a == acl} == {
        PUBLIC_A,
        PRIVATE_A,
        PRIVATE_B,
    }
    rules = neo4j_paths(f"""
        MATCH (r:EC2NetworkAclRule)-[:MEMBER_OF_NACL]->(:EC2NetworkAcl {{id: '{acl}'}})
        RETURN r.id AS id, r.egress AS egress, r.ruleaction AS action, r.rulenumber AS n, r.protocol AS p,
               r.cidrblock AS cidr, 'IpPermissionEgress' IN labels(r) AS egress_label""")
    assert rules == {
        ("acl-0a1b2c3d4e5f60789/egress/100", True, "allow", 100, "-1", "0.0.0.0/0", True),
        ("acl-0a1b2c3d4e5f60789/egress/32767", True, "deny", 32767, "-1", "0.0.0.0/0", True),
        ("acl-0a1b2c3d4e5f60789/inbound/100", False, "allow", 100, "-1", "0.0.0.0/0", False),
        ("acl-0a1b2c3d4e5f60789/inbound/32767", False, "deny", 32767, "-1", "0.0.0.0/0", False),
    }


def test_security_group_rules_ranges_and_references(neo4j: str, tmp_path: Path) -> None:
    run(copy_day1(tmp_path, ["ec2"]), 1, NETWORK)
    open_inbound = neo4j_paths("""
        MATCH (g:EC2SecurityGroup)<-[:MEMBER_OF_EC2_SECURITY_GROUP]-(rule:IpPermissionInbound)
              <-[:MEMBER_OF_IP_RULE]-(r:IpRange)
        WHERE r.range IN ['0.0.0.0/0', '::/0']
        RETURN g.name AS g, rule.fromport AS port, r.range AS range""")
    assert open_inbound == {
        ("web-sg", 443, "0.0.0.0/0"),
        ("ssh-open", 22, "0.0.0.0/0"),
        ("rdp-v6", 3389, "::/0"),
        ("orders-db-sg", 5432, "0.0.0.0/0"),
    }
    egress = neo4j_paths("MATCH (r:IpRule:IpPermissionEgress) RETURN count(r) AS n")
    assert egress == {(len(ids("EC2SecurityGroup")),)}  # one allow-all egress rule per group
    assert rels("ALLOWS_TRAFFIC_FROM") == {
        ("sg-0f1f2f3f4f5f6f7f8", "sg-0a1a2a3a4a5a6a7a8"),  # app-from-alb ← web-sg
        ("sg-0d1e2f3a4b5c6d7e8", "sg-0d1e2f3a4b5c6d7e8"),
        ("sg-0c4d5e6f7a8b9c0d1", "sg-0c4d5e6f7a8b9c0d1"),
    }
    assert ("sg-0f1f2f3f4f5f6f7f8", VPC) not in rels("MEMBER_OF_EC2_SECURITY_GROUP")
    assert (VPC, "sg-0f1f2f3f4f5f6f7f8") in rels("MEMBER_OF_EC2_SECURITY_GROUP", "AWSVpc")


def test_second_identical_load_changes_nothing(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path, ["ec2"])
    first = run(root, 1, NETWORK)
    assert all(r.changes for r in first.values())  # everything is new the first time
    before = graph_state()
    second = run(root, 2, NETWORK)
    assert set(statuses(second).values()) == {"ok"}
    assert [c for r in second.values() for c in r.changes] == []
    assert [
        x for r in second.values() for x in (*r.removed.removed_nodes, *r.removed.removed_relationships)
    ] == []
    assert graph_state() == before
    assert neo4j_paths("MATCH (n:EC2Subnet) RETURN DISTINCT n.lastupdated AS t") == {(2,)}


def test_cleanup_is_scoped_to_region_and_account(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path, ["ec2"])
    write(
        root,
        "ec2",
        "describe-vpcs",
        {"Vpcs": [{"VpcId": "vpc-eu1", "CidrBlock": "10.9.0.0/16"}]},
        region="eu-west-1",
    )
    write(
        root,
        "ec2",
        "describe-subnets",
        {"Subnets": [{"SubnetId": "subnet-eu1", "VpcId": "vpc-eu1"}]},
        region="eu-west-1",
    )
    write(
        root,
        "ec2",
        "describe-vpcs",
        {"Vpcs": [{"VpcId": "vpc-other", "CidrBlock": "10.8.0.0/16"}]},
        account="210987654321",
    )
    run(root, 1, [vpc.MODULE, subnet.MODULE])
    assert ids("EC2Subnet") == SUBNETS | {"subnet-eu1"}

    # Run 2: us-east-1 of our account lost a subnet and the VPC; eu-west-1 and the other account vanished
    # from the folder entirely (not collected) — they must keep their nodes.
    edit(
        root,
        "ec2",
        "describe-subnets",
        lambda d: d.update(Subnets=[s for s in d["Subnets"] if s["SubnetId"] != PRIVATE_B]),
    )
    edit(root, "ec2", "describe-vpcs", lambda d: d.update(Vpcs=[]))
    for folder in (root / "aws" / ACCOUNT / "eu-west-1", root / "aws" / "210987654321"):
        __import__("shutil").rmtree(folder)
    results = run(root, 2, [vpc.MODULE, subnet.MODULE])
    removed = {n[0] for r in results.values() for n in r.removed.removed_nodes}
    assert removed == {PRIVATE_B, VPC}
    assert ids("EC2Subnet") == {PUBLIC_A, PUBLIC_B, PRIVATE_A, "subnet-eu1"}
    assert ids("AWSVpc") == {"vpc-eu1", "vpc-other"}
    assert props("EC2Subnet", "subnet-eu1")["region"] == "eu-west-1"


def test_wrong_shape_file_fails_the_module_and_keeps_data(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path, ["ec2"])
    run(root, 1, [vpc.MODULE, subnet.MODULE])
    write(root, "ec2", "describe-subnets", {"Vpcs": []})  # some other command's output under this name
    result = run(root, 2, [vpc.MODULE, subnet.MODULE])[(ACCOUNT, "us-east-1", "subnet")]
    assert result.status == "failed"
    assert "describe-subnets.json" in result.errors[0] and "Subnets" in result.errors[0]
    assert ids("EC2Subnet") == SUBNETS
