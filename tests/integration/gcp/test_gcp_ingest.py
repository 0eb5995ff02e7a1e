"""GCP modules on a real Neo4j, from the hand-written org snapshot (gcloud asset list / export files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import driver

from .gcp_support import (
    DEV,
    DEV_NUMBER,
    ORG,
    PROD,
    PROD_NUMBER,
    graph_state,
    ids,
    make_snapshot,
    project_snapshot,
    props,
    read,
    rels,
    required_statuses,
    run,
    statuses,
)

ORG_ID, F = f"organizations/{ORG}", "folders/418273645019"
FW = "projects/acme-prod/global/firewalls"
VPC = "projects/acme-prod/global/networks/prod-vpc"
BASTION = "projects/acme-prod/zones/us-central1-a/instances/bastion-1"
WORKER = "projects/acme-prod/zones/us-central1-a/instances/worker-1"
APP, CI = "104857392017465839201", "118273645501928374650"
APP_EMAIL = "app-runner@acme-prod.iam.gserviceaccount.com"
KEY = (
    "projects/acme-prod/serviceAccounts/ci-deployer@acme-prod.iam.gserviceaccount.com/keys/"
    "3f9a0c1b2d4e5f60718293a4b5c6d7e8f9a0b1c2"
)
SQL = "https://sqladmin.googleapis.com/sql/v1beta4/projects/acme-prod/instances/orders-db"
GKE = "https://container.googleapis.com/v1/projects/acme-prod/locations/us-central1/clusters/prod-gke"
CRM = "//cloudresourcemanager.googleapis.com/"
PUBLIC_VIEW = "//storage.googleapis.com/acme-public-site_roles/storage.objectViewer"
JEWEL_VIEW = "//storage.googleapis.com/acme-crown-jewels_roles/storage.objectViewer"
EVE_OWNER = f"{CRM}{F}_roles/owner"


@pytest.mark.parametrize("jsonl", [False, True], ids=["gcloud-asset-list-json", "gcloud-asset-export-jsonl"])
def test_org_snapshot_loads_every_resource(neo4j: str, tmp_path: Path, jsonl: bool) -> None:
    report = run(make_snapshot(tmp_path / "s", jsonl=jsonl))
    assert set(required_statuses(report).values()) == {"ok"}, [m.errors for m in report.modules]
    assert report.skipped == []

    # hierarchy
    assert ids("GCPOrganization") == {ORG_ID}
    assert props("GCPOrganization", ORG_ID)["displayname"] == "example.com"
    assert ids("GCPFolder") == {F}
    assert ids("GCPProject") == {PROD, DEV}
    assert ids("GCPProject", "projectnumber") == {PROD_NUMBER, DEV_NUMBER}
    assert rels("PARENT", "GCPFolder", "GCPOrganization") == {(F, ORG_ID)}
    assert rels("PARENT", "GCPProject", "GCPFolder") == {(PROD, F)}
    assert rels("PARENT", "GCPProject", "GCPOrganization") == {(DEV, ORG_ID)}
    assert rels("RESOURCE", "GCPOrganization", "GCPProject") == {(ORG_ID, PROD), (ORG_ID, DEV)}

    # network
    assert ids("GCPVpc") == {VPC}
    assert ids("GCPSubnet") == {"projects/acme-prod/regions/us-central1/subnetworks/prod-us-central1"}
    assert rels("HAS", "GCPVpc", "GCPSubnet", b="name") == {(VPC, "prod-us-central1")}
    assert ids("GCPNetworkTag", "value") == {"ssh", "worker", "legacy"}
    assert rels("DEFINED_IN", "GCPNetworkTag", "GCPVpc", a="value") == {
        ("ssh", VPC),
        ("worker", VPC),
        ("legacy", VPC),
    }

    # instances
    assert ids("GCPInstance") == {BASTION, WORKER}
    bastion = props("GCPInstance", BASTION)
    assert (bastion["public_ip"], bastion["public_ips"], bastion["network_tags"]) == (
        "34.123.45.67",
        ["34.123.45.67"],
        ["ssh"],
    )
    assert bastion["service_account_email"] == APP_EMAIL
    assert props("GCPInstance", WORKER)["public_ips"] == []
    assert rels("TAGGED", "GCPInstance", "GCPNetworkTag", b="value") == {(BASTION, "ssh"), (WORKER, "worker")}
    assert rels("RUNS_AS", "GCPInstance", "GCPServiceAccount") == {
        (BASTION, APP)
    }  # worker's default SA: not listed
    assert rels("NETWORK_INTERFACE", "GCPInstance", "GCPNetworkInterface", b="public_ip") == {
        (BASTION, "34.123.45.67"),
        (WORKER, None),
    }
    assert rels("PART_OF_SUBNET", "GCPNetworkInterface", "GCPSubnet", "private_ip", "name") == {
        ("10.10.0.5", "prod-us-central1"),
        ("10.10.0.6", "prod-us-central1"),
    }

    # firewalls
    assert ids("GCPFirewall", "name") == {
        "allow-ssh-from-anywhere",
        "deny-ssh-legacy",
        "allow-rdp-disabled",
        "allow-internal",
    }
    ssh = props("GCPFirewall", f"{FW}/allow-ssh-from-anywhere")
    assert (
        ssh["direction"],
        ssh["priority"],
        ssh["disabled"],
        ssh["action"],
        ssh["source_ranges"],
        ssh["target_tags"],
    ) == ("INGRESS", 1000, False, "allow", ["0.0.0.0/0"], ["ssh"])
    assert props("GCPFirewall", f"{FW}/allow-rdp-disabled")["disabled"] is True
    deny = props("GCPFirewall", f"{FW}/deny-ssh-legacy")
    assert (deny["action"], deny["priority"]) == ("deny", 900)
    assert rels("RESOURCE", "GCPVpc", "GCPFirewall", b="name") == {
        (VPC, n)
        for n in ("allow-ssh-from-anywhere", "deny-ssh-legacy", "allow-rdp-disabled", "allow-internal")
    }
    assert rels("TARGET_TAG", "GCPFirewall", "GCPNetworkTag", "name", "value") == {
        ("allow-ssh-from-anywhere", "ssh"),
        ("allow-rdp-disabled", "ssh"),
        ("deny-ssh-legacy", "legacy"),
    }
    rules = driver.read(
        "MATCH (r:GCPIpRule) RETURN r.id AS id, r.protocol AS p, r.fromport AS f, r.toport AS t"
    )
    assert {(r["id"].removeprefix(FW + "/"), r["p"], r["f"], r["t"]) for r in rules} == {
        ("allow-ssh-from-anywhere/allow/22tcp", "tcp", 22, 22),
        ("deny-ssh-legacy/deny/22tcp", "tcp", 22, 22),
        ("allow-rdp-disabled/allow/3389tcp", "tcp", 3389, 3389),
        ("allow-internal/allow/0to65535tcp", "tcp", 0, 65535),
        ("allow-internal/allow/icmp", "icmp", None, None),
    }
    assert rels("ALLOWED_BY", "GCPIpRule", "GCPFirewall", b="name") == {
        (f"{FW}/allow-ssh-from-anywhere/allow/22tcp", "allow-ssh-from-anywhere"),
        (f"{FW}/allow-rdp-disabled/allow/3389tcp", "allow-rdp-disabled"),
        (f"{FW}/allow-internal/allow/0to65535tcp", "allow-internal"),
        (f"{FW}/allow-internal/allow/icmp", "allow-internal"),
    }
    assert rels("DENIED_BY", "GCPIpRule", "GCPFirewall", b="name") == {
        (f"{FW}/deny-ssh-legacy/deny/22tcp", "deny-ssh-legacy")
    }
    assert rels("MEMBER_OF_IP_RULE", "GCPIpRange", "GCPIpRule", a="range") == {
        ("0.0.0.0/0", f"{FW}/allow-ssh-from-anywhere/allow/22tcp"),
        ("0.0.0.0/0", f"{FW}/deny-ssh-legacy/deny/22tcp"),
        ("0.0.0.0/0", f"{FW}/allow-rdp-disabled/allow/3389tcp"),
        ("10.10.0.0/20", f"{FW}/allow-internal/allow/0to65535tcp"),
        ("10.10.0.0/20", f"{FW}/allow-internal/allow/icmp"),
    }

    # service accounts and keys
    assert ids("GCPServiceAccount", "email") == {APP_EMAIL, "ci-deployer@acme-prod.iam.gserviceaccount.com"}
    assert ids("GCPPrincipal") == {APP, CI}
    assert rels("HAS_KEY", "GCPServiceAccount", "GCPServiceAccountKey") == {(CI, KEY)}
    key = props("GCPServiceAccountKey", KEY)
    assert (key["key_type"], key["valid_after_time"]) == ("USER_MANAGED", "2024-03-05T16:20:11Z")

    # buckets, Cloud SQL, GKE
    assert ids("GCPBucket") == {"acme-public-site", "acme-crown-jewels", "acme-dev-scratch"}
    jewels = props("GCPBucket", "acme-crown-jewels")
    assert (jewels["uniform_bucket_level_access"], jewels["iam_config_public_access_prevention"]) == (
        True,
        "enforced",
    )
    assert props("GCPBucket", "acme-public-site")["iam_config_public_access_prevention"] == "inherited"
    assert rels("RESOURCE", "GCPProject", "GCPBucket") == {
        (PROD, "acme-public-site"),
        (PROD, "acme-crown-jewels"),
        (DEV, "acme-dev-scratch"),
    }
    sql = props("GCPCloudSQLInstance", SQL)
    assert (sql["ipv4_enabled"], sql["public_ip"], sql["authorized_networks"]) == (
        True,
        "35.192.10.20",
        ["0.0.0.0/0"],
    )
    gke = props("GKECluster", GKE)
    assert (
        gke["endpoint"],
        gke["public_endpoint"],
        gke["private_nodes"],
        gke["private_endpoint_enabled"],
    ) == ("35.202.118.40", "35.202.118.40", True, False)
    assert (gke["master_authorized_networks"], gke["workload_identity_enabled"], gke["workload_pool"]) == (
        False,
        True,
        "acme-prod.svc.id.goog",
    )

    # every project-level node hangs from its project too (Cartography's edge), whatever the scan scope
    assert rels("RESOURCE", "GCPProject", "GKECluster") == {(PROD, GKE)}
    assert rels("RESOURCE", "GCPProject", "GCPCloudSQLInstance") == {(PROD, SQL)}
    assert rels("RESOURCE", "GCPProject", "GCPInstance") == {(PROD, BASTION), (PROD, WORKER)}

    # IAM policy bindings
    assert rels("APPLIES_TO", "GCPPolicyBinding", "GCPBucket") == {
        (PUBLIC_VIEW, "acme-public-site"),
        (JEWEL_VIEW, "acme-crown-jewels"),
        ("//storage.googleapis.com/acme-public-site_roles/storage.legacyBucketOwner", "acme-public-site"),
        ("//storage.googleapis.com/acme-crown-jewels_roles/storage.legacyBucketOwner", "acme-crown-jewels"),
        ("//storage.googleapis.com/acme-crown-jewels_roles/storage.admin_c7ee3471", "acme-crown-jewels"),
    }
    public = props("GCPPolicyBinding", PUBLIC_VIEW)
    assert (public["is_public"], public["public_members"], public["members"]) == (True, ["allUsers"], [])
    assert rels("HAS_ALLOW_POLICY", "GCPServiceAccount", "GCPPolicyBinding") == {
        (APP, JEWEL_VIEW),
        (CI, f"{CRM}projects/{PROD_NUMBER}_roles/editor"),
    }
    cond = props(
        "GCPPolicyBinding", "//storage.googleapis.com/acme-crown-jewels_roles/storage.admin_c7ee3471"
    )
    assert (cond["has_condition"], cond["condition_title"]) == (True, "until year end")
    assert rels("APPLIES_TO", "GCPPolicyBinding", "GCPOrganization", b="id") == {
        (f"{CRM}{ORG_ID}_roles/resourcemanager.organizationAdmin", ORG_ID),
        (f"{CRM}{ORG_ID}_roles/billing.creator", ORG_ID),
    }
    assert props("GCPPolicyBinding", f"{CRM}{ORG_ID}_roles/billing.creator")["domains"] == ["example.com"]
    assert rels("APPLIES_TO", "GCPPolicyBinding", "GCPFolder") == {(f"{CRM}{F}_roles/viewer", F)}
    assert rels("APPLIES_TO", "GCPPolicyBinding", "GCPProject") == {
        (f"{CRM}projects/{PROD_NUMBER}_roles/owner", PROD),
        (f"{CRM}projects/{PROD_NUMBER}_roles/editor", PROD),
        (f"{CRM}projects/{DEV_NUMBER}_roles/owner", DEV),
    }
    assert rels("APPLIES_TO", "GCPPolicyBinding", "GCPServiceAccount") == {
        (
            f"//iam.googleapis.com/projects/{PROD}/serviceAccounts/{CI}_roles/iam.serviceAccountTokenCreator",
            CI,
        )
    }


def test_day2_folder_owner_is_inherited_by_the_project(neo4j: str, tmp_path: Path) -> None:
    run(make_snapshot(tmp_path / "d1"))
    assert EVE_OWNER not in ids("GCPPolicyBinding")
    report = run(make_snapshot(tmp_path / "d2", day="day2"))
    assert set(required_statuses(report).values()) == {"ok"}
    assert props("GCPPolicyBinding", EVE_OWNER)["members"] == ["eve@example.com"]
    # inheritance: a binding on an ancestor applies to every project below it
    rows = driver.read(
        "MATCH (b:GCPPolicyBinding {role: 'roles/owner'})-[:APPLIES_TO]->(anc)<-[:PARENT*0..]-(p:GCPProject) "
        "UNWIND b.members AS m RETURN p.id AS project, m AS member, "
        # A project also carries Cartography's Tenant label; the order of labels() is not defined.
        "[l IN labels(anc) WHERE l STARTS WITH 'GCP'][0] AS at"
    )
    assert {(r["project"], r["member"], r["at"]) for r in rows} == {
        (PROD, "alice@example.com", "GCPProject"),
        (DEV, "bob@example.com", "GCPProject"),
        (PROD, "eve@example.com", "GCPFolder"),
    }


def test_ingest_is_idempotent(neo4j: str, tmp_path: Path) -> None:
    run(make_snapshot(tmp_path / "a"))
    first = graph_state()
    report = run(make_snapshot(tmp_path / "b", collected_at="2026-11-20T07:00:00Z"))
    assert graph_state() == first
    assert [c for m in report.modules for c in m.changes] == []
    assert all(not m.removed.removed_nodes and not m.removed.removed_relationships for m in report.modules)


def _drop_dev_bucket(project: str, content_type: str, assets: list[dict]) -> list[dict]:
    return [a for a in assets if project != DEV or not a["name"].endswith("/acme-dev-scratch")]


def test_cleanup_is_limited_to_the_scope(neo4j: str, tmp_path: Path) -> None:
    report = run(project_snapshot(tmp_path / "both", {PROD: PROD_NUMBER, DEV: DEV_NUMBER}))
    assert set(required_statuses(report).values()) == {"ok"}, [m.errors for m in report.modules]
    # project scans: the project is the owner (no organization node is made up)
    assert ids("GCPOrganization") == set()
    assert rels("RESOURCE", "GCPProject", "GCPBucket") == {
        (PROD, "acme-public-site"),
        (PROD, "acme-crown-jewels"),
        (DEV, "acme-dev-scratch"),
    }
    prod_before = driver.read(
        "MATCH (:GCPProject {id: $p})-[:RESOURCE]->(n) RETURN count(n) AS c", {"p": PROD}
    )[0]["c"]
    # Next run: only acme-dev was collected, and its bucket is gone.
    report = run(
        project_snapshot(tmp_path / "dev", {DEV: DEV_NUMBER}, "2026-11-21T06:00:00Z", _drop_dev_bucket)
    )
    assert set(required_statuses(report).values()) == {"ok"}
    assert ids("GCPBucket") == {"acme-public-site", "acme-crown-jewels"}
    prod_after = driver.read(
        "MATCH (:GCPProject {id: $p})-[:RESOURCE]->(n) RETURN count(n) AS c", {"p": PROD}
    )[0]["c"]
    assert prod_after == prod_before > 20


def test_missing_file_keeps_previous_data(neo4j: str, tmp_path: Path) -> None:
    run(make_snapshot(tmp_path / "a"))
    bindings = ids("GCPPolicyBinding")
    snap = make_snapshot(tmp_path / "b", collected_at="2026-11-21T06:00:00Z")
    (snap / "gcp" / ORG / "cloudasset" / "iam-policy.json").unlink()
    report = run(snap)
    assert statuses(report)[f"{ORG} gcp.policy_bindings"] == "not collected"
    assert statuses(report)[f"{ORG} gcp.buckets"] == "ok"
    assert ids("GCPPolicyBinding") == bindings


def test_bad_file_is_named_and_keeps_data(neo4j: str, tmp_path: Path) -> None:
    run(make_snapshot(tmp_path / "a"))
    before = graph_state()
    snap = make_snapshot(tmp_path / "b", collected_at="2026-11-21T06:00:00Z")
    path = snap / "gcp" / ORG / "cloudasset" / "resource.json"
    path.write_text('[{"name": "//storage.googleapis.com/x", "assetType": 7}]')
    report = run(snap)
    assert report.status == "partial"  # iam-policy still loads
    failed = [m for m in report.modules if m.status.value == "failed"]
    assert {m.name for m in failed} == {
        f"gcp.{n}"
        for n in (
            "hierarchy",
            "service_accounts",
            "networks",
            "network_tags",
            "instances",
            "firewalls",
            "buckets",
            "cloudsql",
            "gke",
        )
    }
    assert all(str(path) in m.errors[0] and "[0].assetType" in m.errors[0] for m in failed)
    assert graph_state() == before


def test_bad_asset_is_named_the_rest_loads_without_cleanup(neo4j: str, tmp_path: Path) -> None:
    run(make_snapshot(tmp_path / "a"))
    snap = make_snapshot(tmp_path / "b", collected_at="2026-11-21T06:00:00Z")
    path = snap / "gcp" / ORG / "cloudasset" / "resource.json"
    assets = json.loads(path.read_text())
    for a in assets:
        if a["name"].endswith("/acme-public-site"):
            del a["resource"]["data"]
        if a["name"].endswith("/acme-dev-scratch"):
            a["resource"]["data"]["name"] = "acme-dev-scratch-2"
    assets = [a for a in assets if not a["name"].endswith("/acme-crown-jewels")]
    path.write_text(json.dumps(assets))
    report = run(snap)
    buckets = next(m for m in report.modules if m.name == "gcp.buckets")
    assert buckets.status.value == "partial"
    assert any(
        "//storage.googleapis.com/acme-public-site" in e and "resource.data" in e for e in buckets.errors
    )
    # partial: the good rows load, nothing is swept (crown jewels stay although absent this time)
    assert ids("GCPBucket") == {
        "acme-public-site",
        "acme-crown-jewels",
        "acme-dev-scratch",
        "acme-dev-scratch-2",
    }


def test_user_labels_are_stored_as_json_maps(neo4j: str, tmp_path: Path) -> None:
    """labels (instances, buckets), settings.userLabels (Cloud SQL) and resourceLabels (GKE) → ``labels``."""
    run(make_snapshot(tmp_path))
    expected = {}
    for asset in read("day1", "resource"):
        data = asset["resource"]["data"]
        found = (
            data.get("labels") or data.get("resourceLabels") or (data.get("settings") or {}).get("userLabels")
        )
        if found:
            expected[asset["name"]] = found
    assert len(expected) >= 4, "the hand-written snapshot should carry labels on several asset types"
    rows = driver.read(
        "MATCH (n) WHERE n.asset_name IN $names AND n.labels IS NOT NULL "
        "RETURN n.asset_name AS name, n.labels AS labels",
        {"names": list(expected)},
    )
    assert {r["name"]: json.loads(r["labels"]) for r in rows} == expected
    unlabelled = driver.read("MATCH (b:GCPBucket {id: 'acme-public-site'}) RETURN b.labels AS labels")
    assert unlabelled == [{"labels": None}]
