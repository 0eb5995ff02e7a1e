"""The GCP part of the sample generator (`generate(..., gcp_projects=N)`, `invgraph sample --gcp-projects`):
determinism, file shapes, manifest facts per day."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from ingest.sample import generate
from ingest.sample.gcp import gcp_days

SMALL = {"accounts": 1, "clusters": 0, "scale": 0.1}
EVE = "user:eve@example.com"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("sample-gcp")
    return out, generate(out, days=3, gcp_projects=2, **SMALL)


def assets(out: Path, m: dict[str, Any], day: int, content_type: str) -> list[dict[str, Any]]:
    path = out / f"day-{day:02d}" / "gcp" / m["gcp"]["scope"] / "cloudasset" / f"{content_type}.json"
    return json.loads(path.read_text())


def test_deterministic_and_independent_of_the_aws_part(tmp_path: Path) -> None:
    a, b, c, plain = (tmp_path / n for n in ("a", "b", "c", "plain"))
    generate(a, days=2, seed=7, gcp_projects=2, **SMALL)
    generate(b, days=2, seed=7, gcp_projects=2, **SMALL)
    generate(c, days=2, seed=8, gcp_projects=2, **SMALL)
    m0 = generate(plain, days=2, seed=7, gcp_projects=0, **SMALL)
    ta, tc, t0 = tree(a), tree(c), tree(plain)
    assert ta == tree(b)
    assert {k: v for k, v in ta.items() if "/gcp/" in k} != {k: v for k, v in tc.items() if "/gcp/" in k}
    # Adding GCP changes no AWS / Kubernetes byte, and gcp_projects=0 writes no GCP at all.
    assert {k: v for k, v in ta.items() if "/gcp/" not in k and k != "planted.json"} == {
        k: v for k, v in t0.items() if k != "planted.json"
    }
    assert not any("/gcp/" in k for k in t0)
    assert m0["gcp"] is None and m0["generator"]["gcp_projects"] == 0
    assert not [i for i in m0["planted"] + m0["decoys"] if i["layer"] == "gcp"]
    with pytest.raises(ValueError):
        generate(tmp_path / "bad", gcp_projects=-1, **SMALL)


def test_files_are_cloud_asset_listings(env: tuple[Path, dict[str, Any]]) -> None:
    out, m = env
    org = m["gcp"]["scope"]
    assert org.isdigit() and m["gcp"]["organization"] == f"organizations/{org}"
    assert [p["project_id"] for p in m["gcp"]["projects"]] == ["sample-prj-00", "sample-prj-01"]
    for day in (1, 2, 3):
        folder = out / f"day-{day:02d}" / "gcp"
        assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.json")) == [
            f"{org}/cloudasset/iam-policy.json",
            f"{org}/cloudasset/org-policy.json",
            f"{org}/cloudasset/resource.json",
            f"{org}/cloudidentity/memberships/sre@example.com.json",
            f"{org}/iam/denypolicies.json",
            f"{org}/policyintelligence/serviceAccountKeyLastAuthentication.json",
            f"{org}/policyintelligence/serviceAccountLastAuthentication.json",
            f"{org}/recommender/insights.json",
        ]
        text = (folder / org / "cloudasset" / "resource.json").read_text()
        assert text.startswith('[\n  {\n    "ancestors": [') and text.endswith(
            "]\n"
        )  # gcloud: indent 2, sorted
        for a in assets(out, m, day, "resource"):
            assert {"ancestors", "assetType", "name", "resource", "updateTime"} <= a.keys()
            assert isinstance(a["resource"]["data"], dict) and a["ancestors"][-1] == f"organizations/{org}"
        for a in assets(out, m, day, "iam-policy"):
            assert {"ancestors", "assetType", "name", "iamPolicy"} <= a.keys()
            assert all({"role", "members"} <= b.keys() for b in a["iamPolicy"]["bindings"])
    counts = m["counts"]["day-01"]
    assert (
        counts["gcp:compute.googleapis.com/Instance"] == 2
        and counts["gcp:storage.googleapis.com/Bucket"] == 4
    )
    assert counts["total"] == sum(v for k, v in counts.items() if k != "total")


def test_planted_facts_and_days(env: tuple[Path, dict[str, Any]]) -> None:
    out, m = env
    org, folder = m["gcp"]["scope"], m["gcp"]["folder"]
    planted = {i["id"]: i for i in m["planted"] if i["layer"] == "gcp"}
    decoys = {i["id"]: i for i in m["decoys"] if i["layer"] == "gcp"}
    assert set(planted) == {
        "gcp-bucket-public",
        "gcp-firewall-ssh-open",
        "gcp-instance-internet-ssh",
        "gcp-sa-user-managed-key",
        "gcp-xlayer-internet-to-bucket",
        "gcp-iam-owner-inherited-from-folder",
        "gcp-org-public-access-prevention-not-enforced",
        "gcp-org-service-account-key-creation-allowed",
        "gcp-org-sql-authorized-networks-not-restricted",
        "gcp-org-vm-external-ip-not-restricted",
        "gcp-org-default-network-creation-not-skipped",
        "gcp-usage-sa-key-unused",
    }
    assert set(decoys) == {
        "decoy-gcp-bucket-private",
        "decoy-gcp-firewall-rdp-disabled",
        "decoy-gcp-firewall-deny",
        "decoy-gcp-firewall-ssh-restricted",
        "decoy-gcp-instance-no-external-ip",
        "decoy-gcp-org-domain-restricted-sharing-off",
        "decoy-gcp-org-uniform-bucket-level-access-not-enforced",
    }
    assert all(i["scope"] == org for i in [*planted.values(), *decoys.values()])
    texts = {
        d: (out / f"day-{d:02d}" / "gcp").joinpath(org, "cloudasset", "resource.json").read_text()
        for d in (1, 2, 3)
    }
    for item in [*planted.values(), *decoys.values()]:
        if item["id"] != "gcp-iam-owner-inherited-from-folder":  # a binding: checked below
            assert all(item["asset_id"] in texts[d] for d in (1, 2, 3)), item["id"]
    assert [h["type"] for h in planted["gcp-xlayer-internet-to-bucket"]["path"]] == [
        "GCPFirewall",
        "GCPInstance",
        "GCPServiceAccount",
        "GCPBucket",
    ]

    # The public bucket is public from day 1; eve's folder owner binding appears on day 2 and stays.
    owner = planted["gcp-iam-owner-inherited-from-folder"]
    assert (owner["day_from"], owner["day_to"]) == (2, None)
    assert owner["asset_id"] == f"//cloudresourcemanager.googleapis.com/{folder}_roles/owner"

    def folder_members(day: int) -> set[str]:
        [pol] = [a for a in assets(out, m, day, "iam-policy") if a["name"].endswith(folder)]
        return {x for b in pol["iamPolicy"]["bindings"] if b["role"] == "roles/owner" for x in b["members"]}

    assert [folder_members(d) for d in (1, 2, 3)] == [set(), {EVE}, {EVE}]
    site = next(
        a
        for a in assets(out, m, 1, "iam-policy")
        if a["name"].endswith(planted["gcp-bucket-public"]["asset_id"])
    )
    assert site["iamPolicy"]["bindings"] == [{"members": ["allUsers"], "role": "roles/storage.objectViewer"}]
    gains = [g for c in m["creep"] for g in c["gains"] if g["layer"] == "gcp"]
    assert gains == [next(g for g in m["creep"][0]["gains"] if g["layer"] == "gcp")]
    assert (gains[0]["principal"], gains[0]["gained"], gains[0]["scope"]) == (EVE, "roles/owner", org)
    assert owner["asset_id"] in {a["asset_id"] for a in m["drift"][0]["added"]}
    assert not [a for d in m["drift"][1:] for a in d["added"] if a["layer"] == "gcp"]


def test_one_day_has_no_gcp_creep(tmp_path: Path) -> None:
    m = generate(tmp_path, days=1, gcp_projects=1, **SMALL)
    ids = {i["id"] for i in m["planted"] + m["decoys"] if i["layer"] == "gcp"}
    assert "gcp-iam-owner-inherited-from-folder" not in ids and "decoy-gcp-firewall-ssh-restricted" not in ids
    assert "gcp-bucket-public" in ids and m["creep"] == []


def test_cli_option_and_default(tmp_path: Path) -> None:
    common = ["sample", "--days", "1", "--scale", "0.1", "--accounts", "1", "--clusters", "0"]
    result = CliRunner().invoke(app, [*common, "--out", str(tmp_path / "default")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "default" / "planted.json").read_text())
    assert manifest["generator"]["gcp_projects"] == 2 and len(manifest["gcp"]["projects"]) == 2
    result = CliRunner().invoke(app, [*common, "--gcp-projects", "0", "--out", str(tmp_path / "none")])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "none" / "day-01" / "gcp").exists()


def test_assets_have_the_fields_the_hand_written_gcloud_output_has() -> None:
    """Per asset type, the sample writes every envelope, resource and data field the hand-written snapshot
    (copied from real `gcloud asset list` output) has — no simplified shapes downstream code could rely on."""
    from collections import defaultdict

    files, _ = gcp_days(2, 1, 42)
    sample = [a for path, body in files[0].items() if path.endswith("resource.json") for a in body]
    real_path = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten-gcp" / "day1"
    real = json.loads(next(real_path.rglob("resource.json")).read_text())

    def fields(assets: list[dict[str, Any]]) -> dict[str, tuple[set[str], set[str], set[str]]]:
        out: dict[str, tuple[set[str], set[str], set[str]]] = defaultdict(lambda: (set(), set(), set()))
        for a in assets:
            top, res, data = out[a["assetType"]]
            top |= set(a)
            res |= set(a["resource"])
            data |= set(a["resource"]["data"])
        return out

    ours, theirs = fields(sample), fields(real)
    shared = set(ours) & set(theirs)
    assert len(shared) >= 9
    for asset_type in shared:
        for level, mine, reference in zip(
            ("envelope", "resource", "data"), ours[asset_type], theirs[asset_type], strict=True
        ):
            assert reference <= mine, (asset_type, level, sorted(reference - mine))
