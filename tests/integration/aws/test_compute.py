"""EC2 instances, network interfaces and EBS volumes on a real Neo4j (with the network they attach to)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from aws_network_support import ACCOUNT, PROFILES, copy_day1, edit, ids, path_of, props, rels, run, statuses

BASTION, APP, BLOCKED, NODE1, NODE2 = (
    "i-0b45a1c2d3e4f5061",
    "i-0c56b2d3e4f506172",
    "i-0d67c3e4f50617283",
    "i-0e78d4f5061728394",
    "i-0f89e5061728394a5",
)
SSH_OPEN, APP_SG, EKS_SG = "sg-0b1b2b3b4b5b6b7b8", "sg-0f1f2f3f4f5f6f7f8", "sg-0c4d5e6f7a8b9c0d1"
CLUSTER = f"arn:aws:eks:us-east-1:{ACCOUNT}:cluster/prod-eks"


def test_instances_link_to_subnet_groups_profile_and_cluster(neo4j: str, tmp_path: Path) -> None:
    results = run(copy_day1(tmp_path), 1)
    assert set(statuses(results).values()) == {"ok"}
    assert ids("EC2Instance") == {BASTION, APP, BLOCKED, NODE1, NODE2}
    assert rels("PART_OF_SUBNET", "EC2Instance") == {
        (BASTION, "subnet-0a1f2e3d4c5b6a701"),
        (APP, "subnet-0c3d4c5b6a7081923"),
        (BLOCKED, "subnet-0b2e3d4c5b6a70812"),
        (NODE1, "subnet-0c3d4c5b6a7081923"),
        (NODE2, "subnet-0d4c5b6a708192a34"),
    }
    assert rels("MEMBER_OF_EC2_SECURITY_GROUP", "EC2Instance") == {
        (BASTION, SSH_OPEN),
        (APP, SSH_OPEN),
        (APP, APP_SG),
        (BLOCKED, SSH_OPEN),
        (NODE1, EKS_SG),
        (NODE2, EKS_SG),
    }
    bastion_profile, node_profile = PROFILES
    assert rels("INSTANCE_PROFILE") == {
        (BASTION, bastion_profile),
        (NODE1, node_profile),
        (NODE2, node_profile),
    }
    assert rels("MEMBER_OF_EKS_CLUSTER") == {(NODE1, CLUSTER), (NODE2, CLUSTER)}
    assert {r for r in rels("MEMBER_OF_EC2_RESERVATION")} >= {(BASTION, "r-0a1b2c3d4e5f60718")}
    bastion = props("EC2Instance", BASTION)
    assert (bastion["publicipaddress"], bastion["state"], bastion["iaminstanceprofile"]) == (
        "54.210.33.17",
        "running",
        bastion_profile,
    )
    assert isinstance(bastion["launchtime"].to_native(), datetime)
    assert "exposed_internet" not in bastion  # analysis owns it
    assert {"EC2Instance", "AWSEC2Instance"} <= bastion["_labels"]


def test_network_interfaces_and_volumes(neo4j: str, tmp_path: Path) -> None:
    run(copy_day1(tmp_path), 1)
    assert rels("NETWORK_INTERFACE", "EC2Instance") == {
        (BASTION, "eni-0a1b1c1d1e1f10111"),
        (APP, "eni-0a2b2c2d2e2f20222"),
        (BLOCKED, "eni-0a3b3c3d3e3f30333"),
        (NODE1, "eni-0a4b4c4d4e4f40444"),
        (NODE2, "eni-0a5b5c5d5e5f50555"),
    }
    eni = props("NetworkInterface", "eni-0a1b1c1d1e1f10111")
    assert (eni["public_ip"], eni["private_ip_addresses"]) == ("54.210.33.17", ["10.0.1.10"])
    assert ("eni-0a1b1c1d1e1f10111", "subnet-0a1f2e3d4c5b6a701") in rels("PART_OF_SUBNET", "NetworkInterface")
    assert ("eni-0a1b1c1d1e1f10111", SSH_OPEN) in rels("MEMBER_OF_EC2_SECURITY_GROUP", "NetworkInterface")
    attached = {(v, i, props("EBSVolume", v)["encrypted"]) for v, i in rels("ATTACHED_TO", "EBSVolume")}
    assert ("vol-0a1a1a1a1a1a1a1a1", BASTION, False) in attached and len(attached) == 5


def test_missing_describe_instances_keeps_previous_data(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    run(root, 1)
    path_of(root, "ec2", "describe-instances").unlink()
    results = run(root, 2)
    assert results[(ACCOUNT, "us-east-1", "instance")].status == "not collected"
    assert ids("EC2Instance") == {BASTION, APP, BLOCKED, NODE1, NODE2}
    assert props("EC2Instance", BASTION)["lastupdated"] == 1
    assert len(rels("INSTANCE_PROFILE")) == 3 and len(rels("PART_OF_SUBNET", "EC2Instance")) == 5


def test_terminated_instance_and_changed_group_are_swept(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    run(root, 1)

    def change(data: dict) -> None:
        data["Reservations"] = [r for r in data["Reservations"] if r["Instances"][0]["InstanceId"] != BLOCKED]
        app = next(i for r in data["Reservations"] for i in r["Instances"] if i["InstanceId"] == APP)
        app["SecurityGroups"] = [g for g in app["SecurityGroups"] if g["GroupId"] == APP_SG]

    edit(root, "ec2", "describe-instances", change)
    result = run(root, 2)[(ACCOUNT, "us-east-1", "instance")]
    assert result.status == "ok"
    assert {n[0] for n in result.removed.removed_nodes} == {BLOCKED, "r-0c3d4e5f60718293a"}
    assert (APP, "MEMBER_OF_EC2_SECURITY_GROUP", SSH_OPEN) in result.removed.removed_relationships
    assert BLOCKED not in ids("EC2Instance")
    assert {g for i, g in rels("MEMBER_OF_EC2_SECURITY_GROUP", "EC2Instance") if i == APP} == {APP_SG}
