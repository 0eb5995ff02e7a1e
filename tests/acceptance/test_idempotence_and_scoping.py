"""Acceptance: re-ingesting the same snapshot changes nothing but ``lastupdated``; cleanup never reaches
another account or another cluster."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from graph import driver
from pipeline.run import ingest_snapshot
from tests.acceptance.support import (
    ACCOUNT,
    AWS1,
    CLUSTER,
    DAY1,
    K8S1,
    REGION,
    copy_tree_rewritten,
    ids,
    k8s_items,
    node_dump,
    raw,
    rel_dump,
    second_environment,
)

ACCOUNT_B, CLUSTER_B = "210987654321", "prod-eks-b"


def test_same_snapshot_twice_changes_nothing_but_lastupdated(neo4j: str) -> None:
    first = ingest_snapshot(DAY1)
    assert first.status == "ok", first.as_json()
    nodes1, rels1 = node_dump(), rel_dump()
    tags1 = {k: v for k, v in node_dump(drop=()).items()}

    second = ingest_snapshot(DAY1)
    assert second.status == "ok", second.as_json()
    assert node_dump() == nodes1
    assert rel_dump() == rels1
    # every node was re-synced (lastupdated moved to the second run's tag) and nothing else moved
    after = node_dump(drop=())
    assert {k for k, p in after.items() if p["lastupdated"] != second.context.update_tag} == set()
    assert all(after[k]["firstseen"] == tags1[k]["firstseen"] for k in after)
    # the second run's history records no change at all
    rows = driver.read(
        "MATCH (c:AssetChange {run_id: $r}) RETURN c.kind AS kind, c.asset_id AS id "
        "UNION ALL MATCH (c:RelChange {run_id: $r}) RETURN c.kind AS kind, c.start AS id",
        {"r": second.run_id},
    )
    assert rows == []
    assert (
        driver.read("MATCH (c:AssetChange {run_id: $r}) RETURN count(c) AS n", {"r": first.run_id})[0]["n"]
        > 0
    )


def _owned(owner_label: str, owner_id: str) -> dict[str, dict]:
    rows = driver.read(
        f"MATCH (:{owner_label} {{id: $o}})-[:RESOURCE]->(n) RETURN n.id AS id, properties(n) AS p",
        {"o": owner_id},
    )
    return {r["id"]: r["p"] for r in rows}


def _two_environments(root: Path) -> Path:
    """Day 1 (account A + cluster A) plus a second account and cluster with distinct ids."""
    shutil.copytree(DAY1, root)
    rewrite = lambda text: second_environment(text, ACCOUNT_B, CLUSTER_B)  # noqa: E731
    copy_tree_rewritten(AWS1, root / "aws" / ACCOUNT_B, rewrite)
    copy_tree_rewritten(K8S1, root / "k8s" / CLUSTER_B, rewrite)
    return root


def test_cleanup_is_scoped_to_the_account_and_cluster_synced(neo4j: str, tmp_path: Path) -> None:
    both = _two_environments(tmp_path / "run1")
    first = ingest_snapshot(both)
    assert first.status == "ok", [m.as_json() for m in first.modules if m.status != "ok"]
    a_aws, b_aws = _owned("AWSAccount", ACCOUNT), _owned("AWSAccount", ACCOUNT_B)
    cluster_ids = {
        r["name"]: r["id"]
        for r in driver.read("MATCH (c:KubernetesCluster) RETURN c.name AS name, c.id AS id")
    }
    assert set(cluster_ids) == {CLUSTER, CLUSTER_B}
    a_k8s, b_k8s = (
        _owned("KubernetesCluster", cluster_ids[CLUSTER]),
        _owned("KubernetesCluster", cluster_ids[CLUSTER_B]),
    )
    # the copy is a genuinely separate environment: nothing owned by both
    assert len(b_aws) == len(a_aws) > 100 and not set(a_aws) & set(b_aws)
    assert len(b_k8s) == len(a_k8s) > 40 and not set(a_k8s) & set(b_k8s)
    gone_instance = "i-bb45a1c2d3e4f5061"  # bastion, rewritten for account B
    gone_pod_name = "debug-tools"
    assert gone_instance in ids("EC2Instance")

    # Run 2: only account B and cluster B, each with one resource removed.
    run2 = tmp_path / "run2"
    shutil.copytree(both / "aws" / ACCOUNT_B, run2 / "aws" / ACCOUNT_B)
    shutil.copytree(both / "k8s" / CLUSTER_B, run2 / "k8s" / CLUSTER_B)
    (run2 / "snapshot.json").write_text(json.dumps({"collected_at": "2026-11-21T06:00:00Z"}))
    instances = run2 / "aws" / ACCOUNT_B / REGION / "ec2" / "describe-instances.json"
    doc = raw(instances)
    gone_reservation = next(
        r["ReservationId"]
        for r in doc["Reservations"]
        if [i["InstanceId"] for i in r["Instances"]] == [gone_instance]
    )
    for reservation in doc["Reservations"]:
        reservation["Instances"] = [i for i in reservation["Instances"] if i["InstanceId"] != gone_instance]
    doc["Reservations"] = [r for r in doc["Reservations"] if r["Instances"]]
    instances.write_text(json.dumps(doc, indent=4))
    pods = run2 / "k8s" / CLUSTER_B / "pods.json"
    pod_doc = raw(pods)
    gone_pod = next(p["metadata"]["uid"] for p in pod_doc["items"] if p["metadata"]["name"] == gone_pod_name)
    pod_doc["items"] = [p for p in pod_doc["items"] if p["metadata"]["uid"] != gone_pod]
    pods.write_text(json.dumps(pod_doc, indent=4, sort_keys=True))

    second = ingest_snapshot(run2)
    assert second.status == "ok", [m.as_json() for m in second.modules if m.status != "ok"]
    # A's nodes: all present, untouched (A was not synced in run 2, so not even lastupdated moves)
    assert _owned("AWSAccount", ACCOUNT) == a_aws
    assert _owned("KubernetesCluster", cluster_ids[CLUSTER]) == a_k8s
    # B: the removed instance and pod (with its containers) are gone, the rest is there
    b_aws2 = _owned("AWSAccount", ACCOUNT_B)
    assert gone_instance not in ids("EC2Instance")
    assert set(b_aws) - set(b_aws2) == {
        gone_instance,
        gone_reservation,
    }  # bastion was alone in its reservation
    b_k8s2 = _owned("KubernetesCluster", cluster_ids[CLUSTER_B])
    removed = set(b_k8s) - set(b_k8s2)
    assert gone_pod in removed and gone_pod not in ids("KubernetesPod")
    assert removed == {
        gone_pod,
        *(
            f"{gone_pod}-{c['name']}"
            for p in k8s_items("pods")
            if p["metadata"]["name"] == gone_pod_name
            for c in [*p["spec"]["containers"], *p["spec"].get("initContainers", [])]
        ),
    }
    # A's same-named instance and pod are still there
    assert "i-0b45a1c2d3e4f5061" in ids("EC2Instance")
    assert any(
        p["metadata"]["name"] == gone_pod_name and p["metadata"]["uid"] in ids("KubernetesPod")
        for p in k8s_items("pods")
    )
