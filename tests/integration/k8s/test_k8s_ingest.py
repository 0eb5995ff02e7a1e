"""Kubernetes modules on a real Neo4j, from the hand-written day-1 EKS cluster (kubectl -o json files)."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

import pytest

from graph import driver

from .k8s_support import (
    CLUSTER,
    DAY1,
    KUBE_SYSTEM_UID,
    PAYMENTS_LB_DNS,
    aws_stubs,
    edit_items,
    graph_state,
    ids,
    load,
    make_snapshot,
    names,
    other_cluster,
    props,
    rels,
    required_statuses,
    run,
    save,
    statuses,
)

IRSA = "arn:aws:iam::123456789012:role/payments-irsa"
PAYMENTS_POD = "payments/payments-api-7d9c8b6f5-x2kqp"
DEBUG_POD_UID = "0293a4b5-c6d7-48e9-bafb-2c3d4e5f6071"
PODS = {
    "default/debug-tools",
    "kube-system/aws-node-7xk2p",
    "kube-system/aws-node-c9m4d",
    "kube-system/coredns-789f8477df-4hq9n",
    "kube-system/coredns-789f8477df-vw2lb",
    PAYMENTS_POD,
    "payments/payments-cache-0",
    "web/web-frontend-5c6d7e8f9-q8zrt",
}


def test_day1_cluster_loads_every_resource(neo4j: str, tmp_path: Path) -> None:
    aws_stubs()
    report = run(make_snapshot(tmp_path / "s"))
    assert set(required_statuses(report).values()) == {"ok"}, [m.errors for m in report.modules]

    assert ids("KubernetesCluster") == {KUBE_SYSTEM_UID}
    assert props("KubernetesCluster", KUBE_SYSTEM_UID)["name"] == CLUSTER
    assert ids("KubernetesCluster", "name") == {CLUSTER}
    assert names("KubernetesNamespace") == {
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
        "payments",
        "web",
    }
    assert names("KubernetesPod") == PODS
    assert names("KubernetesDeployment") == {
        "kube-system/coredns",
        "payments/payments-api",
        "web/web-frontend",
    }
    assert names("KubernetesDaemonSet") == {"kube-system/aws-node"}
    assert names("KubernetesStatefulSet") == {"payments/payments-cache"}
    assert names("KubernetesService") == {
        "default/kubernetes",
        "kube-system/kube-dns",
        "payments/payments-cache",
        "payments/payments-lb",
        "web/web-frontend",
    }
    assert names("KubernetesIngress") == {"web/web"}
    assert names("KubernetesSecret") == {"payments/payments-db-credentials", "web/web-tls"}
    assert names("KubernetesNetworkPolicy") == {"web/default-deny-ingress"}
    assert ids("KubernetesServiceAccount") == {
        f"prod-eks/{ns}/default"
        for ns in ("default", "kube-node-lease", "kube-public", "kube-system", "payments", "web")
    } | {"prod-eks/kube-system/aws-node", "prod-eks/kube-system/coredns", "prod-eks/payments/payments-api"}
    assert ids("KubernetesRole") == {
        "prod-eks/kube-system/extension-apiserver-authentication-reader",
        "prod-eks/web/wild",
    }
    assert ids("KubernetesClusterRole") == {
        "prod-eks/aws-node",
        "prod-eks/cluster-admin",
        "prod-eks/secret-reader",
    }
    assert ids("KubernetesUser") == {"prod-eks/dev@example.com"}
    assert ids("KubernetesGroup") == {"prod-eks/system:masters", "prod-eks/support", "prod-eks/web-devs"}
    assert ids("KubernetesNode") == {
        "prod-eks/ip-10-0-10-55.ec2.internal",
        "prod-eks/ip-10-0-11-66.ec2.internal",
    }

    # Owner edge: every Kubernetes node (but the cluster) hangs from the cluster.
    owned = driver.read(
        "MATCH (n) WHERE any(l IN labels(n) WHERE l STARTS WITH 'Kubernetes') "
        "AND NOT n:KubernetesCluster AND NOT (:KubernetesCluster {id: $c})-[:RESOURCE]->(n) "
        "RETURN n.id AS id",
        {"c": KUBE_SYSTEM_UID},
    )
    assert owned == []
    assert rels("MAPS_TO", "EKSCluster", "KubernetesCluster") == {(CLUSTER, CLUSTER)}
    assert rels("WORKLOAD_PARENT", "KubernetesNamespace", "KubernetesCluster") == {
        (n, CLUSTER) for n in names("KubernetesNamespace")
    }
    assert rels("IS_INSTANCE", "KubernetesNode", "EC2Instance") == {
        ("ip-10-0-10-55.ec2.internal", "i-0e78d4f5061728394"),
        ("ip-10-0-11-66.ec2.internal", "i-0f89e5061728394a5"),
    }
    assert rels("WORKLOAD_PARENT", "KubernetesPod", "KubernetesDeployment") == {
        ("kube-system/coredns-789f8477df-4hq9n", "kube-system/coredns"),
        ("kube-system/coredns-789f8477df-vw2lb", "kube-system/coredns"),
        (PAYMENTS_POD, "payments/payments-api"),
        ("web/web-frontend-5c6d7e8f9-q8zrt", "web/web-frontend"),
    }
    assert rels("WORKLOAD_PARENT", "KubernetesPod", "KubernetesDaemonSet") == {
        ("kube-system/aws-node-7xk2p", "kube-system/aws-node"),
        ("kube-system/aws-node-c9m4d", "kube-system/aws-node"),
    }
    assert rels("WORKLOAD_PARENT", "KubernetesPod", "KubernetesStatefulSet") == {
        ("payments/payments-cache-0", "payments/payments-cache")
    }
    assert rels("WORKLOAD_PARENT", "KubernetesPod", "KubernetesNamespace") == {
        ("default/debug-tools", "default")
    }
    assert rels("CONTAINS", "KubernetesNamespace", "KubernetesPod") == {(p.split("/")[0], p) for p in PODS}
    assert rels("RUNS_ON", "KubernetesPod", "KubernetesNode") == {
        ("default/debug-tools", "ip-10-0-10-55.ec2.internal"),
        ("kube-system/aws-node-7xk2p", "ip-10-0-10-55.ec2.internal"),
        ("kube-system/aws-node-c9m4d", "ip-10-0-11-66.ec2.internal"),
        ("kube-system/coredns-789f8477df-4hq9n", "ip-10-0-10-55.ec2.internal"),
        ("kube-system/coredns-789f8477df-vw2lb", "ip-10-0-11-66.ec2.internal"),
        (PAYMENTS_POD, "ip-10-0-10-55.ec2.internal"),
        ("payments/payments-cache-0", "ip-10-0-11-66.ec2.internal"),
        ("web/web-frontend-5c6d7e8f9-q8zrt", "ip-10-0-11-66.ec2.internal"),
    }
    sa_edges = {
        ("default/debug-tools", "default/default"),
        ("kube-system/aws-node-7xk2p", "kube-system/aws-node"),
        ("kube-system/aws-node-c9m4d", "kube-system/aws-node"),
        ("kube-system/coredns-789f8477df-4hq9n", "kube-system/coredns"),
        ("kube-system/coredns-789f8477df-vw2lb", "kube-system/coredns"),
        (PAYMENTS_POD, "payments/payments-api"),
        ("payments/payments-cache-0", "payments/default"),
        ("web/web-frontend-5c6d7e8f9-q8zrt", "web/default"),
    }
    assert rels("USES_SERVICE_ACCOUNT", "KubernetesPod", "KubernetesServiceAccount") == sa_edges
    assert rels("RUNS_AS", "KubernetesPod", "KubernetesServiceAccount") == sa_edges
    assert rels("ASSUMES_ROLE", "KubernetesServiceAccount", "AWSRole") == {("payments/payments-api", IRSA)}
    assert rels("WORKLOAD_PARENT", "KubernetesContainer", "KubernetesPod") == {
        ("default/debug", "default/debug-tools"),
        ("kube-system/aws-node", "kube-system/aws-node-7xk2p"),
        ("kube-system/aws-node", "kube-system/aws-node-c9m4d"),
        ("kube-system/aws-vpc-cni-init", "kube-system/aws-node-7xk2p"),
        ("kube-system/aws-vpc-cni-init", "kube-system/aws-node-c9m4d"),
        ("kube-system/coredns", "kube-system/coredns-789f8477df-4hq9n"),
        ("kube-system/coredns", "kube-system/coredns-789f8477df-vw2lb"),
        ("payments/payments-api", PAYMENTS_POD),
        ("payments/redis", "payments/payments-cache-0"),
        ("web/web-frontend", "web/web-frontend-5c6d7e8f9-q8zrt"),
    }
    assert rels("TARGETS", "KubernetesService", "KubernetesPod") == {
        ("kube-system/kube-dns", "kube-system/coredns-789f8477df-4hq9n"),
        ("kube-system/kube-dns", "kube-system/coredns-789f8477df-vw2lb"),
        ("payments/payments-cache", "payments/payments-cache-0"),
        ("payments/payments-lb", PAYMENTS_POD),
        ("web/web-frontend", "web/web-frontend-5c6d7e8f9-q8zrt"),
    }
    assert rels("USES_LOAD_BALANCER", "KubernetesService", "LoadBalancerV2") == {
        ("payments/payments-lb", PAYMENTS_LB_DNS)
    }
    assert rels("TARGETS", "KubernetesIngress", "KubernetesService") == {("web/web", "web/web-frontend")}
    assert rels("APPLIES_TO", "KubernetesNetworkPolicy", "KubernetesPod") == {
        ("web/default-deny-ingress", "web/web-frontend-5c6d7e8f9-q8zrt")
    }
    assert rels("ROLE_REF", "KubernetesRoleBinding", "KubernetesRole") == {("web/wild-binding", "web/wild")}
    assert rels("SUBJECT", "KubernetesRoleBinding", "KubernetesGroup") == {("web/wild-binding", "web-devs")}
    assert rels("ROLE_REF", "KubernetesClusterRoleBinding", "KubernetesClusterRole") == {
        ("aws-node", "aws-node"),
        ("cluster-admin", "cluster-admin"),
        ("dev-admin", "cluster-admin"),
        ("support-secret-reader", "secret-reader"),
    }
    assert rels("SUBJECT", "KubernetesClusterRoleBinding", "KubernetesServiceAccount") == {
        ("aws-node", "kube-system/aws-node")
    }
    assert rels("SUBJECT", "KubernetesClusterRoleBinding", "KubernetesUser") == {
        ("dev-admin", "dev@example.com")
    }
    assert rels("SUBJECT", "KubernetesClusterRoleBinding", "KubernetesGroup") == {
        ("cluster-admin", "system:masters"),
        ("support-secret-reader", "support"),
    }

    # Properties the controls read.
    pod = props("KubernetesPod", DEBUG_POD_UID)
    assert (
        pod["host_network"],
        pod["host_pid"],
        pod["host_path_volume_paths"],
        pod["service_account_name"],
    ) == (True, True, ["/"], "default")
    debug = props("KubernetesContainer", f"{DEBUG_POD_UID}-debug")
    assert (
        debug["privileged"],
        debug["effective_run_as_user"],
        debug["image_registry"],
        debug["image_repository"],
        debug["image_tag"],
        debug.get("image_digest"),
    ) == (True, 0, "docker.io", "library/busybox", "latest", None)
    api = driver.read(
        "MATCH (c:KubernetesContainer {name: 'payments-api'}) RETURN c.image_tag AS t, "
        "c.image_digest AS d, c.run_as_non_root AS nr, c.allow_privilege_escalation AS ape, "
        "c.dropped_capabilities AS drop"
    )
    assert api == [
        {
            "t": "1.4.2",
            "d": "sha256:4f1a9c2e7b3d5f608a1c2e3d4b5a69788f0e1d2c3b4a59687f6e5d4c3b2a1908",
            "nr": True,
            "ape": False,
            "drop": ["ALL"],
        }
    ]
    lb = driver.read(
        "MATCH (s:KubernetesService {name: 'payments-lb'}) RETURN s.type AS t, s.selector AS sel, "
        "s.load_balancer_dns_names AS dns, s.node_ports AS np, s.port_numbers AS p"
    )
    assert lb == [
        {
            "t": "LoadBalancer",
            "sel": '{"app":"payments-api"}',
            "dns": [PAYMENTS_LB_DNS],
            "np": [31443],
            "p": [443],
        }
    ]
    wild = props("KubernetesRole", "prod-eks/web/wild")
    assert (wild["verbs"], wild["resources"], wild["api_groups"]) == (["*"], ["*"], ["*"])
    reader = props("KubernetesClusterRole", "prod-eks/secret-reader")
    assert (reader["verbs"], reader["resources"], reader["api_groups"]) == (
        ["get", "list"],
        ["secrets"],
        ["core"],
    )
    assert json.loads(reader["rules"]) == [
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}
    ]
    netpol = driver.read(
        "MATCH (p:KubernetesNetworkPolicy) RETURN p.policy_types AS t, p.restricts_ingress AS i"
    )
    assert netpol == [{"t": ["Ingress"], "i": True}]


def test_second_run_is_idempotent(neo4j: str, tmp_path: Path) -> None:
    # No AWS nodes at all: a Kubernetes-only snapshot loads, its AWS links simply match nothing.
    snap = make_snapshot(tmp_path / "s")
    first = run(snap)
    assert set(required_statuses(first).values()) == {"ok"}
    state = graph_state()
    second = run(snap)
    assert set(required_statuses(second).values()) == {"ok"}
    assert graph_state() == state
    assert [c for m in second.modules for c in m.changes] == []
    assert [m.removed.removed_nodes for m in second.modules if m.removed.removed_nodes] == []
    assert driver.read("MATCH (n) WHERE n:EC2Instance OR n:AWSRole RETURN n") == []


def test_cleanup_is_scoped_to_the_synced_cluster(neo4j: str, tmp_path: Path) -> None:
    other = other_cluster(tmp_path)
    run(make_snapshot(tmp_path / "both", {CLUSTER: DAY1, "staging": other}))
    staging_before = graph_state()
    assert len(ids("KubernetesCluster")) == 2 and len(ids("KubernetesPod")) == 2 * len(PODS)

    # Day 2 sees only prod-eks, where the payments-api pod and the wild role are gone.
    src = tmp_path / "prod-day2"
    make_snapshot(src)
    folder = src / "k8s" / CLUSTER
    edit_items(folder, "pods", lambda p: p["metadata"]["name"] != "payments-api-7d9c8b6f5-x2kqp")
    edit_items(folder, "roles", lambda r: r["metadata"]["name"] != "wild")
    report = run(src)
    assert set(required_statuses(report).values()) == {"ok"}

    def pods_of(cluster: str) -> set[str]:
        rows = driver.read(
            "MATCH (:KubernetesCluster {name: $c})-[:RESOURCE]->(p:KubernetesPod) "
            "RETURN p.namespace + '/' + p.name AS n",
            {"c": cluster},
        )
        return {r["n"] for r in rows}

    assert pods_of(CLUSTER) == PODS - {PAYMENTS_POD}
    assert pods_of("staging") == PODS
    assert "prod-eks/web/wild" not in ids("KubernetesRole") and "staging/web/wild" in ids("KubernetesRole")
    # Nothing of staging changed: not a node property, not a relationship.
    staging_ids = {
        r["id"]
        for r in driver.read(
            "MATCH (:KubernetesCluster {name: 'staging'})-[:RESOURCE]->(n) RETURN n.id AS id"
        )
    }
    nodes_before = {n for n in staging_before[0] if n[1] in staging_ids}
    assert nodes_before <= graph_state()[0]
    rels_before = {r for r in staging_before[1] if r[0] in staging_ids or r[2] in staging_ids}
    assert rels_before <= graph_state()[1]
    removed = {n[0] for m in report.modules for n in m.removed.removed_nodes}
    assert removed == {
        "bd4e5f60-7182-4394-a5a6-d7e8f9a0b1c2",
        "bd4e5f60-7182-4394-a5a6-d7e8f9a0b1c2-payments-api",
        "prod-eks/web/wild",
    }


def test_missing_file_keeps_previous_data(neo4j: str, tmp_path: Path) -> None:
    run(make_snapshot(tmp_path / "day1"))
    pods_before = names("KubernetesPod")
    snap = make_snapshot(tmp_path / "day2", drop=("pods", "secrets"))
    edit_items(snap / "k8s" / CLUSTER, "services", lambda s: s["metadata"]["name"] != "payments-cache")
    report = run(snap)
    status = statuses(report)
    assert (
        status["prod-eks k8s.pods"] == "not collected" and status["prod-eks k8s.secrets"] == "not collected"
    )
    assert names("KubernetesPod") == pods_before
    assert names("KubernetesSecret") == {"payments/payments-db-credentials", "web/web-tls"}
    # Services loaded, but without pods their selection was not recomputed: no cleanup, edges kept.
    assert status["prod-eks k8s.services"] == "ok"
    assert "payments/payments-cache" in names("KubernetesService")
    assert ("payments/payments-lb", PAYMENTS_POD) in rels("TARGETS", "KubernetesService", "KubernetesPod")


def test_namespaces_file_missing_fails_cluster_modules(neo4j: str, tmp_path: Path) -> None:
    run(make_snapshot(tmp_path / "day1"))
    report = run(make_snapshot(tmp_path / "day2", drop=("namespaces",)))
    status = statuses(report)
    assert status["prod-eks k8s.cluster"] == "not collected"
    assert status["prod-eks k8s.pods"] == "failed"
    assert any("kube-system" in e for m in report.modules for e in m.errors)
    assert names("KubernetesPod") == PODS  # previous data kept


def test_objects_in_an_uncollected_namespace_still_load(neo4j: str, tmp_path: Path) -> None:
    snap = make_snapshot(tmp_path / "s")
    edit_items(snap / "k8s" / CLUSTER, "namespaces", lambda n: n["metadata"]["name"] != "payments")
    report = run(snap)
    assert set(required_statuses(report).values()) == {"ok"}
    assert {PAYMENTS_POD, "payments/payments-cache-0"} <= names("KubernetesPod")
    assert "payments/payments-api" in names("KubernetesDeployment")
    assert not any(
        p.startswith("payments/") for _, p in rels("CONTAINS", "KubernetesNamespace", "KubernetesPod")
    )
    assert ("payments/payments-lb", PAYMENTS_POD) in rels("TARGETS", "KubernetesService", "KubernetesPod")


SECRET_PLAIN = "hunter2-Sup3r-S3cret-Pa55"
SECRET_TOKEN = "ghp_plainTextTokenValue0123456789"


def test_secret_values_never_reach_the_graph(
    neo4j: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    snap = make_snapshot(tmp_path / "s")
    path = snap / "k8s" / CLUSTER / "secrets.json"
    doc = load(path)
    encoded = base64.b64encode(SECRET_PLAIN.encode()).decode()
    secret = doc["items"][0]
    secret["data"] = {"password": encoded}
    secret["stringData"] = {"token": SECRET_TOKEN}
    secret["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": json.dumps(
            {"data": {"password": encoded}, "stringData": {"token": SECRET_TOKEN}}
        )
    }
    save(path, doc)
    caplog.set_level(logging.DEBUG)
    report = run(snap)
    assert set(required_statuses(report).values()) == {"ok"}
    assert "payments/payments-db-credentials" in names("KubernetesSecret")
    rows = driver.read(
        "MATCH (n) RETURN properties(n) AS p UNION ALL MATCH ()-[r]->() RETURN properties(r) AS p"
    )
    blob = json.dumps([r["p"] for r in rows], default=str) + json.dumps(report.as_json()) + caplog.text
    for needle in (SECRET_PLAIN, encoded, SECRET_TOKEN):
        assert needle not in blob


DAY2 = DAY1.parents[2] / "day2" / "k8s" / CLUSTER
OLD_POD, NEW_POD = "bd4e5f60-7182-4394-a5a6-d7e8f9a0b1c2", "ce5f6071-8293-44a5-b6b7-e8f9a0b1c2d3"
PAYMENTS_LB, PAYMENTS_DEPLOYMENT = (
    "d4f6b8c0-3e5a-4c9d-9f4b-6d8f0b2c4e5a",
    "8a1b2c3d-4e5f-4061-9273-a4b5c6d7e8f9",
)


def test_day1_to_day2_drift_facts(neo4j: str, tmp_path: Path) -> None:
    """The Kubernetes facts of tests/data/snapshots/handwritten/EXPECTED.json drift_day1_to_day2."""
    run(make_snapshot(tmp_path / "day1"))
    report = run(make_snapshot(tmp_path / "day2", {CLUSTER: DAY2}, collected_at="2026-11-21T06:00:00Z"))
    assert set(required_statuses(report).values()) == {"ok"}
    edges = {(a, t, b) for a, t, b in graph_state()[1]}
    assert (PAYMENTS_LB, "TARGETS", NEW_POD) in edges and (PAYMENTS_LB, "TARGETS", OLD_POD) not in edges
    assert (NEW_POD, "USES_SERVICE_ACCOUNT", "prod-eks/payments/payments-api") in edges
    assert ("prod-eks/ci-admin", "ROLE_REF", "prod-eks/cluster-admin") in edges
    assert ("prod-eks/ci-admin", "SUBJECT", "prod-eks/ci/ci-runner") in edges
    assert OLD_POD not in ids("KubernetesPod") and NEW_POD in ids("KubernetesPod")
    assert {"prod-eks/ci/ci-runner", "prod-eks/ci/default"} <= ids("KubernetesServiceAccount")
    assert "ci" in names("KubernetesNamespace")
    removed = {n[0] for m in report.modules for n in m.removed.removed_nodes}
    assert OLD_POD in removed
    changed = {c.id: c.before for m in report.modules for c in m.changes if not c.added}
    assert changed[PAYMENTS_DEPLOYMENT]["images"] == [
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/payments:1.4.2@sha256:"
        "4f1a9c2e7b3d5f608a1c2e3d4b5a69788f0e1d2c3b4a59687f6e5d4c3b2a1908"
    ]
    assert props("KubernetesDeployment", PAYMENTS_DEPLOYMENT)["generation"] == 2
