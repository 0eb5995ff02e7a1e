"""GCP exposure rules, one by one: firewall semantics (pure, then on an ingested variant of the hand-written
GCP snapshot), Cloud SQL / GKE / bucket conditions, impersonation, inherited IAM, workload identity and
node credentials (Kubernetes nodes written directly next to the ingested GCP inventory)."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis.exposure import ports as P
from analysis.exposure.gcp import Entry, access_of, firewall_ports, whole_internet
from analysis.exposure.gcp_identity import GcpIdentity, api_scopes, gke_context
from analysis.exposure.model import AttackGraph, Node
from analysis.exposure.paths import find_paths
from graph import driver
from tests.exposure.conftest import ingest_and_compute

ROOT = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten-gcp"
ORG = "734561238901"
ZONE = "projects/acme-prod/zones/us-central1-a/instances/"
VPC = "https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/"
APP, CI, NODE_SA = "104857392017465839201", "118273645501928374650", "100000000000000000001"
APP_EMAIL = "app-runner@acme-prod.iam.gserviceaccount.com"
CI_EMAIL = "ci-deployer@acme-prod.iam.gserviceaccount.com"
NODE_EMAIL = "502837461928-compute@developer.gserviceaccount.com"
SQLADMIN = "https://sqladmin.googleapis.com/sql/v1beta4/projects/acme-prod/instances/"
GKEURL = "https://container.googleapis.com/v1/projects/acme-prod/locations/us-central1/clusters/"


# --- pure rules --------------------------------------------------------------------------------------


def _e(fw: str, prio: int, deny: bool, proto: str, lo: int | None = None, hi: int | None = None) -> Entry:
    return Entry(fw, prio, deny, proto, lo, hi if hi is not None else lo)


def test_lower_priority_number_wins_and_deny_wins_ties() -> None:
    allowed, by_allow, by_deny = firewall_ports(
        [
            _e("allow", 1000, False, "tcp", 8000, 8100),
            _e("deny-tie", 1000, True, "tcp", 8080),
            _e("deny-later", 1001, True, "tcp", 8090),
            _e("deny-first", 10, True, "tcp", 8100),
        ]
    )
    assert allowed == {"tcp": [(8000, 8079), (8081, 8099)], "udp": []}
    assert set(by_allow) == {"allow"} and set(by_deny) == {"deny-tie", "deny-first"}


def test_all_protocol_missing_ports_and_implied_deny() -> None:
    allowed, _, _ = firewall_ports([_e("any", 1000, False, "all"), _e("no-ssh", 500, True, "tcp", 22)])
    assert P.labels(allowed) == ["0-21/tcp", "23-65535/tcp", "all/udp"]
    assert P.empty(firewall_ports([_e("icmp", 1000, False, "icmp")])[0])  # not modelled
    assert P.empty(firewall_ports([])[0])  # implied deny ingress


def test_helpers() -> None:
    assert whole_internet("0.0.0.0/0", 4) and whole_internet("::/0", 6) and not whole_internet("::/0", 4)
    assert not whole_internet("10.0.0.0/8") and not whole_internet("bogus")
    assert access_of("roles/storage.objectViewer", "GCPBucket") == "read"
    assert access_of("roles/storage.objectAdmin", "GCPBucket") == "write"
    assert access_of("roles/cloudsql.client", "GCPCloudSQLInstance") == "write"
    assert access_of("roles/cloudsql.admin", "GCPBucket") is None
    assert access_of("roles/editor", "GCPCloudSQLInstance") == "admin"
    assert api_scopes(["https://www.googleapis.com/auth/logging.write"]) == []
    assert api_scopes(["https://www.googleapis.com/auth/devstorage.read_only"]) == [
        "devstorage.read_only: Cloud Storage, read only"
    ]
    assert gke_context("gke_acme-prod_us-central1_prod-gke") == {
        "k8s": "gke_acme-prod_us-central1_prod-gke",
        "gke": "prod-gke",
        "project": "acme-prod",
    }


# --- an ingested variant of the hand-written snapshot ------------------------------------------------


def _by_name(assets: list[dict[str, Any]], suffix: str) -> dict[str, Any]:
    return next(a for a in assets if a["name"].endswith(suffix))


def _instance(base: dict[str, Any], name: str, ip: str, tags: list[str], sa: str, **extra: Any) -> dict:
    a = copy.deepcopy(base)
    a["name"] = a["name"].replace("bastion-1", name)
    d = a["resource"]["data"]
    d.update(name=name, id=str(sum(map(ord, name))), selfLink=d["selfLink"].replace("bastion-1", name))
    d["networkInterfaces"][0]["accessConfigs"][0]["natIP"] = ip
    d["tags"]["items"] = tags
    d["serviceAccounts"] = [{"email": sa, "scopes": extra.pop("scopes", [])}]
    d.update(extra)
    return a


def _firewall(base: dict[str, Any], name: str, priority: int = 1000, **rule: Any) -> dict:
    a = copy.deepcopy(base)
    a["name"] = a["name"].replace("allow-ssh-from-anywhere", name)
    d = a["resource"]["data"]
    for key in ("allowed", "targetTags"):
        d.pop(key, None)
    d.update(name=name, priority=priority, selfLink=d["selfLink"].replace("allow-ssh-from-anywhere", name))
    d.update(rule)
    return a


def _variant(root: Path) -> Path:
    src = ROOT / "day1"
    shutil.copytree(src, root)
    folder = root / "gcp" / ORG / "cloudasset"
    res = json.loads((folder / "resource.json").read_text())
    iam = json.loads((folder / "iam-policy.json").read_text())
    vm, fw = _by_name(res, "/bastion-1"), _by_name(res, "/allow-ssh-from-anywhere")
    ro = ["https://www.googleapis.com/auth/devstorage.read_only"]
    res += [
        _instance(vm, "web-1", "34.1.1.1", ["web"], APP_EMAIL, scopes=ro),
        _instance(vm, "svc-1", "34.1.1.2", [], CI_EMAIL),  # no scopes: no runs-as hop
        _instance(vm, "legacy-1", "34.1.1.3", ["ssh", "legacy"], NODE_EMAIL),
        _instance(vm, "open-1", "34.1.1.4", ["open"], NODE_EMAIL),
        _instance(vm, "v6only-1", "34.1.1.5", ["v6"], NODE_EMAIL),
        _instance(vm, "stopped-1", "34.1.1.6", ["web"], NODE_EMAIL, status="TERMINATED"),
        _firewall(
            fw, "allow-web-range", allowed=[{"IPProtocol": "tcp", "ports": ["8000-8100"]}], targetTags=["web"]
        ),
        _firewall(fw, "deny-web-8080", denied=[{"IPProtocol": "tcp", "ports": ["8080"]}], targetTags=["web"]),
        _firewall(
            fw, "deny-web-8090", 1001, denied=[{"IPProtocol": "tcp", "ports": ["8090"]}], targetTags=["web"]
        ),
        _firewall(
            fw,
            "allow-https-ci",
            allowed=[{"IPProtocol": "tcp", "ports": ["443"]}],
            targetServiceAccounts=[CI_EMAIL],
        ),
        _firewall(fw, "allow-all-open", allowed=[{"IPProtocol": "all"}], targetTags=["open"]),
        _firewall(
            fw, "deny-open-ssh", 500, denied=[{"IPProtocol": "tcp", "ports": ["22"]}], targetTags=["open"]
        ),
        _firewall(
            fw,
            "allow-v6-http",
            allowed=[{"IPProtocol": "tcp", "ports": ["80"]}],
            targetTags=["v6"],
            sourceRanges=["::/0"],
        ),
        _firewall(fw, "allow-dns-everyone", allowed=[{"IPProtocol": "udp", "ports": ["53"]}]),
        _firewall(fw, "other-vpc-open", allowed=[{"IPProtocol": "all"}], network=VPC + "other-vpc"),
        _firewall(fw, "allow-internal-wide", allowed=[{"IPProtocol": "all"}], sourceRanges=["10.0.0.0/8"]),
    ]
    sa = copy.deepcopy(_by_name(res, f"/serviceAccounts/{APP}"))
    sa["name"] = sa["name"].replace(APP, NODE_SA)
    sa["resource"]["data"].update(
        email=NODE_EMAIL, uniqueId=NODE_SA, name=f"projects/acme-prod/serviceAccounts/{NODE_EMAIL}"
    )
    res.append(sa)
    sql = _by_name(res, "/instances/orders-db")
    for name, version, nets in (
        ("mysql-private", "MYSQL_8_0", ["10.0.0.0/8"]),
        ("mssql-open", "SQLSERVER_2019_STANDARD", ["0.0.0.0/0"]),
    ):
        a = copy.deepcopy(sql)
        a["name"] = a["name"].replace("orders-db", name)
        a["resource"]["data"].update(name=name, databaseVersion=version, selfLink=SQLADMIN + name)
        a["resource"]["data"]["settings"]["ipConfiguration"]["authorizedNetworks"] = [
            {"value": n} for n in nets
        ]
        res.append(a)
    gke = _by_name(res, "/clusters/prod-gke")
    for name, extra in (
        (
            "private-gke",
            {"privateClusterConfig": {"enablePrivateNodes": True, "enablePrivateEndpoint": True}},
        ),
        (
            "man-open-gke",
            {"masterAuthorizedNetworksConfig": {"enabled": True, "cidrBlocks": [{"cidrBlock": "0.0.0.0/0"}]}},
        ),
        (
            "man-office-gke",
            {
                "masterAuthorizedNetworksConfig": {
                    "enabled": True,
                    "cidrBlocks": [{"cidrBlock": "203.0.113.0/24"}],
                }
            },
        ),
    ):
        a = copy.deepcopy(gke)
        a["name"] = a["name"].replace("prod-gke", name)
        a["resource"]["data"].update(name=name, selfLink=GKEURL + name, **extra)
        res.append(a)
    crm = "//cloudresourcemanager.googleapis.com/"
    # Public read inherited from the dev project; a public non-storage role on the folder exposes nothing.
    _by_name(iam, f"{crm}projects/602837461929")["iamPolicy"]["bindings"].append(
        {"members": ["allAuthenticatedUsers"], "role": "roles/storage.objectViewer"}
    )
    _by_name(iam, f"{crm}folders/418273645019")["iamPolicy"]["bindings"].append(
        {"members": ["allUsers"], "role": "roles/compute.viewer"}
    )
    _by_name(iam, f"/serviceAccounts/{CI}")["iamPolicy"]["bindings"].append(
        {"members": [f"serviceAccount:{APP_EMAIL}"], "role": "roles/iam.serviceAccountTokenCreator"}
    )
    iam.append(
        {
            "ancestors": ["projects/502837461928", "folders/418273645019", f"organizations/{ORG}"],
            "assetType": "iam.googleapis.com/ServiceAccount",
            "name": f"//iam.googleapis.com/projects/acme-prod/serviceAccounts/{APP}",
            "iamPolicy": {
                "bindings": [
                    {
                        "members": ["serviceAccount:acme-prod.svc.id.goog[payments/api]"],
                        "role": "roles/iam.workloadIdentityUser",
                    }
                ]
            },
        }
    )
    (folder / "resource.json").write_text(json.dumps(res, indent=1))
    (folder / "iam-policy.json").write_text(json.dumps(iam, indent=1))
    return root


@pytest.fixture(scope="module")
def variant(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    yield ingest_and_compute(_variant(tmp_path_factory.mktemp("gcp-variant") / "snap"))


def _exposed() -> dict[str, dict[str, Any]]:
    rows = driver.read(
        "MATCH (r:ExposureRun {latest: true}) MATCH (n:ExposedAsset {run_id: r.run_id}) "
        "RETURN n.node_id AS id, n.ports AS ports, n.reasons AS reasons"
    )
    return {r["id"]: r for r in rows}


def test_firewall_semantics_per_instance(variant: dict[str, Any]) -> None:
    ports = {k.removeprefix(ZONE): set(v["ports"]) for k, v in _exposed().items() if k.startswith(ZONE)}
    assert ports == {
        # allow 8000-8100 (1000); deny 8080 at the same priority wins; deny 8090 at 1001 loses;
        # allow-dns-everyone has no target: every instance of the network.
        "web-1": {"8000-8079/tcp", "8081-8100/tcp", "53/udp"},
        "svc-1": {"443/tcp", "53/udp"},  # target service account
        "bastion-1": {"22/tcp", "53/udp"},
        "legacy-1": {"53/udp"},  # deny-ssh-legacy (900) hides allow-ssh-from-anywhere (1000)
        "open-1": {"0-21/tcp", "23-65535/tcp", "all/udp"},  # 'all' protocol minus a deny at 500
        "v6only-1": {"53/udp"},  # a ::/0 rule does not admit IPv4 traffic
    }  # stopped-1 (TERMINATED) and worker-1 (no external IP) are not reached
    web = _exposed()[ZONE + "web-1"]["reasons"][0]
    assert "deny-web-8080 (priority 1000, target tag web) denies 8080/tcp" in web
    assert "deny-web-8090" not in web and "other-vpc-open" not in web and "internal-wide" not in web
    assert "target service account " + CI_EMAIL in _exposed()[ZONE + "svc-1"]["reasons"][0]


def test_cloudsql_gke_and_inherited_public_bucket(variant: dict[str, Any]) -> None:
    exposed = _exposed()
    assert exposed[SQLADMIN + "mssql-open"]["ports"] == ["1433/tcp"]
    assert SQLADMIN + "mysql-private" not in exposed
    assert {k for k in exposed if k.startswith(GKEURL)} == {GKEURL + "prod-gke", GKEURL + "man-open-gke"}
    assert "master authorized networks include 0.0.0.0/0" in exposed[GKEURL + "man-open-gke"]["reasons"][0]
    scratch = exposed["acme-dev-scratch"]["reasons"][0]
    assert "project acme-dev (inherited)" in scratch and "allAuthenticatedUsers" in scratch
    assert "roles/compute.viewer" not in json.dumps(exposed)
    assert "acme-crown-jewels" not in exposed


def test_scopes_impersonation_and_inherited_admin(variant: dict[str, Any]) -> None:
    hops = driver.read(
        "MATCH (r:ExposureRun {latest: true}) MATCH (e:ExposureEdge {run_id: r.run_id}) "
        "RETURN e.src AS src, e.dst AS dst, e.type AS type, e.reason AS reason, e.access AS access"
    )
    edges = {(h["src"], h["dst"]): h for h in hops}
    assert "devstorage.read_only" in edges[(ZONE + "web-1", APP)]["reason"]
    assert not any(h["src"] == ZONE + "svc-1" and h["type"] == "runs-as" for h in hops)  # no scopes
    imp = edges[(APP, CI)]
    assert imp["type"] == "assume-role"
    assert f"roles/iam.serviceAccountTokenCreator on {CI_EMAIL}: can mint its access tokens" in imp["reason"]
    sql = edges[(CI, SQLADMIN + "orders-db")]
    assert sql["access"] == "admin" and "roles/editor on project acme-prod (inherited)" in sql["reason"]
    assert edges[(CI, "acme-crown-jewels")]["access"] == "admin"
    assert (CI, "acme-dev-scratch") not in edges  # acme-dev is not below acme-prod
    assert edges[(GKEURL + "prod-gke", NODE_SA)]["type"] == "runs-as"
    ci = driver.read(
        "MATCH (r:ExposureRun {latest: true}) MATCH (n:ExposureNode {run_id: r.run_id, node_id: $id}) "
        "RETURN n.admin AS admin, n.crown_jewel AS crown, n.crown_reason AS why",
        {"id": CI},
    )[0]
    assert ci["admin"] and ci["crown"] and "roles/editor on acme-prod" in ci["why"]
    best = find_paths(target="acme-crown-jewels")["paths"][0]
    assert [n["id"] for n in best["nodes"]] == ["internet", ZONE + "bastion-1", APP, CI, "acme-crown-jewels"]


def _k8s(cluster: str) -> None:
    driver.write(
        "MERGE (c:KubernetesCluster {id: 'uid-' + $cluster}) SET c.name = $cluster "
        "MERGE (api:KubernetesServiceAccount {id: $cluster + '/payments/api'}) "
        "SET api.name = 'api', api.namespace = 'payments', api.cluster_name = $cluster, "
        "    api.gcp_service_account = $app "
        "MERGE (other:KubernetesServiceAccount {id: $cluster + '/payments/other'}) "
        "SET other.name = 'other', other.namespace = 'payments', other.cluster_name = $cluster, "
        "    other.gcp_service_account = $ci "
        "MERGE (c)-[:RESOURCE]->(p1:KubernetesPod {id: $cluster + '/pod-1'}) SET p1.host_network = false "
        "MERGE (c)-[:RESOURCE]->(p2:KubernetesPod {id: $cluster + '/pod-2'}) SET p2.host_network = true",
        {"cluster": cluster, "app": APP_EMAIL, "ci": CI_EMAIL},
    )


def _identity(cluster: str) -> dict[tuple[str, str], Any]:
    g = AttackGraph()
    for suffix, label in (
        ("/payments/api", "KubernetesServiceAccount"),
        ("/payments/other", "KubernetesServiceAccount"),
        ("/pod-1", "KubernetesPod"),
        ("/pod-2", "KubernetesPod"),
    ):
        g.node(Node(cluster + suffix, label, cluster=cluster))
    GcpIdentity(g).compute()
    return {(s, d): h for (s, d, _), h in g.hops.items()}


def test_workload_identity_and_node_credentials(variant: dict[str, Any]) -> None:
    for cluster in ("prod-gke", "gke_acme-prod_us-central1_prod-gke", "not-a-gke-cluster"):
        _k8s(cluster)
    hops = _identity("prod-gke")
    wi = hops[("prod-gke/payments/api", APP)]
    assert wi.type == "runs-as" and "acme-prod.svc.id.goog[payments/api]" in wi.reason
    assert "roles/iam.workloadIdentityUser" in wi.reason and "not verified" not in wi.reason
    # Annotated, but no workloadIdentityUser binding for it: kept, and the reason says so.
    assert "no roles/iam.workloadIdentityUser binding" in hops[("prod-gke/payments/other", CI)].reason
    assert ("prod-gke/pod-1", NODE_SA) not in hops  # the GKE metadata server hides the node's account
    assert hops[("prod-gke/pod-2", NODE_SA)].type == "node-credentials"  # host network bypasses it
    # Then the impersonation and data hops follow from the reached accounts.
    assert hops[(APP, "acme-crown-jewels")].access == "read" and (APP, CI) in hops
    # kubectl's GKE context name resolves to the same cluster.
    assert ("gke_acme-prod_us-central1_prod-gke/payments/api", APP) in _identity(
        "gke_acme-prod_us-central1_prod-gke"
    )
    unknown = _identity("not-a-gke-cluster")[("not-a-gke-cluster/payments/api", APP)]
    assert "not verified" in unknown.reason
    driver.write(
        "MATCH (c:GKECluster {id: $id}) SET c.workload_identity_enabled = false",
        {"id": GKEURL + "prod-gke"},
    )
    try:
        hops = _identity("prod-gke")
        assert ("prod-gke/payments/api", APP) not in hops  # the annotation does nothing without WI
        assert "has no workload identity" in hops[("prod-gke/pod-1", NODE_SA)].reason
    finally:
        driver.write(
            "MATCH (c:GKECluster {id: $id}) SET c.workload_identity_enabled = true",
            {"id": GKEURL + "prod-gke"},
        )
