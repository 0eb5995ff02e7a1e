"""ELBv2 load balancers, listeners, target groups and LB -[:EXPOSE]-> target on a real Neo4j."""

from __future__ import annotations

from pathlib import Path

from aws_network_support import ACCOUNT, copy_day1, edit, ids, path_of, props, rels, run, statuses, write

from graph import driver

LB = "web-alb-1234567890.us-east-1.elb.amazonaws.com"
LB_ARN = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:loadbalancer/app/web-alb/5f1e2d3c4b5a6978"
LISTENER = (
    f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:listener/app/web-alb/5f1e2d3c4b5a6978/8a9b0c1d2e3f4a5b"
)
TG = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/web-tg/6d0ecf831eec9f09"
API_TG = f"arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/api-tg/0123456789abcdef"
APP = "i-0c56b2d3e4f506172"


def _expose() -> set[tuple]:
    rows = driver.read(
        "MATCH (lb:LoadBalancerV2)-[r:EXPOSE]->(t) RETURN lb.id AS lb, t.id AS t, r.port AS port, "
        "r.protocol AS protocol, r.target_group_arn AS tg, r.lastupdated AS tag"
    )
    return {tuple(r.values()) for r in rows}


def test_load_balancer_listener_target_group_and_exposed_instance(neo4j: str, tmp_path: Path) -> None:
    results = run(copy_day1(tmp_path), 1)
    assert set(statuses(results).values()) == {"ok"}
    lb = props("LoadBalancerV2", LB)
    assert (lb["scheme"], lb["type"], lb["dnsname"], lb["arn"]) == (
        "internet-facing",
        "application",
        LB,
        LB_ARN,
    )
    assert {"LoadBalancerV2", "AWSLoadBalancerV2"} <= lb["_labels"]
    assert rels("ELBV2_LISTENER") == {(LB, LISTENER)}
    assert (props("ELBV2Listener", LISTENER)["port"], props("ELBV2Listener", LISTENER)["protocol"]) == (
        443,
        "HTTPS",
    )
    assert rels("ELBV2_TARGET_GROUP") == {(LB, TG)}
    assert props("ELBV2TargetGroup", TG)["target_ids"] == [APP]
    assert _expose() == {(LB, APP, 8080, "HTTP", TG, 1)}
    assert rels("MEMBER_OF_EC2_SECURITY_GROUP", "LoadBalancerV2") == {(LB, "sg-0a1a2a3a4a5a6a7a8")}
    assert rels("SUBNET", "LoadBalancerV2") == {
        (LB, "subnet-0a1f2e3d4c5b6a701"),
        (LB, "subnet-0b2e3d4c5b6a70812"),
    }


def test_second_load_reports_no_changes(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    run(root, 1)
    second = run(root, 2)
    assert [c for r in second.values() for c in r.changes] == []
    assert _expose() == {(LB, APP, 8080, "HTTP", TG, 2)}


def test_invalid_target_health_file_gives_partial_and_keeps_that_group(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    run(root, 1)
    bad = path_of(root, "elbv2", "describe-target-health", "web-tg")
    bad.write_text('{"TargetHealthDescriptions": [')
    edit(
        root,
        "elbv2",
        "describe-target-groups",
        lambda d: (
            d["TargetGroups"].append(
                {**d["TargetGroups"][0], "TargetGroupArn": API_TG, "TargetGroupName": "api-tg", "Port": 9090}
            )
            and None
        ),
    )
    write(
        root,
        "elbv2",
        "describe-target-health",
        {"TargetHealthDescriptions": [{"Target": {"Id": "i-0b45a1c2d3e4f5061", "Port": 9090}}]},
        resource="api-tg",
    )
    result = run(root, 2)[(ACCOUNT, "us-east-1", "elbv2_target_group")]
    assert result.status == "partial"
    assert len(result.errors) == 1 and str(bad) in result.errors[0]
    assert ids("ELBV2TargetGroup") == {TG, API_TG}
    assert props("ELBV2TargetGroup", TG)["lastupdated"] == 1  # its rows were skipped, the old state stays
    assert _expose() == {(LB, APP, 8080, "HTTP", TG, 1), (LB, "i-0b45a1c2d3e4f5061", 9090, "HTTP", API_TG, 2)}
    assert result.removed.removed_nodes == [] and result.removed.removed_relationships == []


def test_missing_listener_file_keeps_previous_listeners(neo4j: str, tmp_path: Path) -> None:
    root = copy_day1(tmp_path)
    run(root, 1)
    path_of(root, "elbv2", "describe-listeners", "web-alb").unlink()
    result = run(root, 2)[(ACCOUNT, "us-east-1", "elbv2")]
    assert result.status == "partial" and "describe-listeners/web-alb.json" in result.errors[0]
    assert rels("ELBV2_LISTENER") == {(LB, LISTENER)}
    assert props("LoadBalancerV2", LB)["lastupdated"] == 2
