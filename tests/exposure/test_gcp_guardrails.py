"""GCP organization policies on the hand-written GCP day-1 snapshot with the guardrails overlay (v1 asset
listing and v2 orgpolicy form), ingested for real: hierarchy merge (inheritFromParent, restoreDefault,
conditional rules), public access prevention enforced at the organization clearing the public bucket,
and "not collected" leaving exposure as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis.exposure.gcp import compute as gcp_exposure
from analysis.exposure.model import AttackGraph
from analysis.privileges.gcp_org_policy import effective_for_projects
from graph import driver
from tests.exposure.conftest import ingest_and_compute

DATA = Path(__file__).resolve().parents[1] / "data" / "snapshots"
OVERLAY = DATA / "handwritten-gcp-guardrails" / "gcp"


def _snapshot(tmp: Path, with_policies: bool) -> Path:
    snap = tmp / "snap"
    shutil.copytree(DATA / "handwritten-gcp" / "day1", snap)
    if with_policies:
        shutil.copytree(OVERLAY, snap / "gcp", dirs_exist_ok=True)
    return snap


def test_org_policies_load_and_merge_along_the_hierarchy(neo4j_uri: str, tmp_path: Path) -> None:
    ingest_and_compute(_snapshot(tmp_path, True))
    rows = driver.read(
        "MATCH (p:GCPOrgPolicy)-[:APPLIES_TO]->(t) "
        "RETURN p.constraint AS c, t.id AS at, p.form AS form, p.kind AS kind"
    )
    assert {(r["c"], r["at"], r["form"], r["kind"]) for r in rows} == {
        ("storage.publicAccessPrevention", "organizations/734561238901", "v1", "boolean"),
        ("iam.allowedPolicyMemberDomains", "organizations/734561238901", "v1", "list"),
        ("compute.vmExternalIpAccess", "organizations/734561238901", "v1", "list"),
        ("iam.allowedPolicyMemberDomains", "folders/418273645019", "v1", "list"),
        ("storage.publicAccessPrevention", "acme-dev", "v1", "reset"),
        ("iam.disableServiceAccountKeyCreation", "acme-prod", "v2", "boolean"),
        ("compute.skipDefaultNetworkCreation", "organizations/734561238901", "v2", "boolean"),
    }
    pap = effective_for_projects("storage.publicAccessPrevention", ["acme-prod", "acme-dev"])
    assert pap["acme-prod"].enforced and pap["acme-prod"].decided_by == ("organizations/734561238901",)
    assert not pap["acme-dev"].enforced and pap["acme-dev"].decided_by == ("projects/602837461929",)
    domains = effective_for_projects("iam.allowedPolicyMemberDomains", ["acme-prod", "acme-dev"])
    assert domains["acme-prod"].allowed == {"C03xgje4y", "C01partnr"}  # the folder inherits and adds
    assert domains["acme-dev"].allowed == {"C03xgje4y"}
    keys = effective_for_projects("iam.disableServiceAccountKeyCreation", ["acme-prod", "acme-dev"])
    assert keys["acme-prod"].enforced and not keys["acme-dev"].enforced
    network = effective_for_projects("compute.skipDefaultNetworkCreation", ["acme-dev"])["acme-dev"]
    assert network.conditional and not network.enforced  # the unconditional rule says false


def test_enforced_public_access_prevention_clears_the_public_bucket(neo4j_uri: str, tmp_path: Path) -> None:
    ingest_and_compute(_snapshot(tmp_path, True))
    g = AttackGraph()
    gcp_exposure(g)
    assert "acme-public-site" not in g.exposed
    assert g.cleared["acme-public-site"] == (
        "public binding blocked: storage.publicAccessPrevention enforced (set on organizations/734561238901)"
    )


def test_org_policies_not_collected_leave_the_bucket_exposed(neo4j_uri: str, tmp_path: Path) -> None:
    ingest_and_compute(_snapshot(tmp_path, False))
    g = AttackGraph()
    gcp_exposure(g)
    (exposed,) = g.exposed["acme-public-site"]
    assert exposed.reason.endswith("public access prevention 'inherited' (not enforced)")
    assert g.cleared == {}
    marks = driver.read("MATCH (o:GCPOrganization) RETURN o.org_policies_collected AS c")
    assert [m["c"] for m in marks] == [None]


def test_guardrail_controls_on_the_organization(neo4j_uri: str, tmp_path: Path) -> None:
    from queries.catalogue import load_catalogue
    from queries.runner import latest_target, run_controls

    ingest_and_compute(_snapshot(tmp_path, True))
    gcp = [c for c in load_catalogue() if c.id.startswith("gcp_org_")]
    results = {r.control.id: r for r in run_controls(gcp, latest_target())}
    failing = sorted(i for i, r in results.items() if r.status == "fail")
    assert failing == [
        "gcp_org_default_network_creation_not_skipped",  # enforced only under a tag condition
        "gcp_org_service_account_key_creation_allowed",  # enforced on acme-prod only, not the organization
        "gcp_org_sql_authorized_networks_not_restricted",
        "gcp_org_uniform_bucket_level_access_not_enforced",
    ]
    assert all(r.evaluated == 1 for r in results.values())
    reason = results["gcp_org_default_network_creation_not_skipped"].rows[0]["reason"]
    assert reason.startswith(
        "compute.skipDefaultNetworkCreation is enforced on organizations/734561238901 only under a condition"
    )
