"""AWS Organizations on the hand-written organization snapshot (real CLI v2 shapes), ingested for real:
the tree and policies as sets of tuples, SCPs capping effective permissions and admin flags, the
management account and service-linked roles exempt, least-privilege grants creating exposure hops
narrowed to what they grant, and "organizations not collected" said, not assumed."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis.exposure.iam import Roles
from analysis.exposure.model import AttackGraph, Node
from analysis.privileges.steps import STEP as PRIVILEGES_STEP
from graph import driver
from history import post_ingest
from ingest import registry
from pipeline.run import ingest_snapshot

ROOT = Path(__file__).resolve().parents[1] / "data" / "snapshots" / "handwritten-org"
ORG, MGMT, PROD, SANDBOX = "o-a1b2c3d4e5", "111111111111", "222222222222", "333333333333"


def _role(account: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{account}:role{path}{name}"


@pytest.fixture()
def aws_only(neo4j: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(registry, "k8s_modules", lambda: [])
    monkeypatch.setattr(registry, "gcp_modules", lambda: [])
    monkeypatch.setattr(post_ingest, "STEPS", [PRIVILEGES_STEP])
    yield neo4j


@pytest.fixture()
def loaded(aws_only: str) -> dict[str, Any]:
    report = ingest_snapshot(ROOT)
    assert report.status == "ok", report.as_json()
    return report.as_json()


def _flags() -> dict[str, tuple[bool, str | None]]:
    rows = driver.read("MATCH (r:AWSRole) RETURN r.id AS id, r.admin_equivalent AS admin, r.guardrails AS g")
    return {r["id"]: (r["admin"], r["g"]) for r in rows}


def test_tree_and_policies_load_with_cartography_labels(loaded: dict[str, Any]) -> None:
    ous = driver.read(
        "MATCH (o:AWSOrganizationalUnit)-[:PARENT]->(p) RETURN o.id AS id, o.name AS name, p.id AS parent"
    )
    assert {(r["id"], r["name"], r["parent"]) for r in ous} == {
        (f"{ORG}/ou-a1b2-wrkl0ad5", "Workloads", f"{ORG}/r-a1b2"),
        (f"{ORG}/ou-a1b2-sandb0x1", "Sandbox", f"{ORG}/r-a1b2"),
        (f"{ORG}/ou-a1b2-pr0dacct", "Prod", f"{ORG}/ou-a1b2-wrkl0ad5"),
    }
    accounts = driver.read(
        "MATCH (a:AWSAccount)-[:PARENT]->(p) RETURN a.id AS id, p.id AS parent, a.inscope AS s"
    )
    assert {(r["id"], r["parent"], r["s"]) for r in accounts} == {
        (MGMT, f"{ORG}/r-a1b2", True),
        (PROD, f"{ORG}/ou-a1b2-pr0dacct", True),
        (SANDBOX, f"{ORG}/ou-a1b2-sandb0x1", True),
    }
    attached = driver.read(
        "MATCH (p:AWSOrganizationsPolicy)-[:APPLIES_TO]->(t) WHERE NOT p.aws_managed "
        "RETURN labels(p) AS labels, p.name AS name, t.id AS target"
    )
    assert {("AWSServiceControlPolicy" in r["labels"], r["name"], r["target"]) for r in attached} == {
        (True, "DenyLeaveOrganization", f"{ORG}/r-a1b2"),
        (True, "ProtectRestrictedData", f"{ORG}/ou-a1b2-pr0dacct"),
        (True, "DenyRootUser", f"{ORG}/ou-a1b2-wrkl0ad5"),
        (True, "SandboxAllowList", f"{ORG}/ou-a1b2-sandb0x1"),
        (False, "EnforceOrgIdentities", f"{ORG}/r-a1b2"),
    }
    org = driver.read(
        "MATCH (o:AWSOrganization) RETURN o.id AS id, o.management_account_id AS m, o.rcp_enabled AS r"
    )
    assert [(o["id"], o["m"], o["r"]) for o in org] == [(ORG, MGMT, True)]


def test_scps_cap_admin_and_name_the_guardrail(loaded: dict[str, Any]) -> None:
    flags = _flags()
    # AdministratorAccess everywhere; only the management account keeps admin (exempt from SCPs).
    assert flags[_role(MGMT, "org-admin")][0] is True
    assert "management account" in flags[_role(MGMT, "org-admin")][1]
    assert flags[_role(PROD, "ops-admin")][0] is False  # ProtectRestrictedData denies iam:* in Prod
    assert "ProtectRestrictedData (OU Prod)" in flags[_role(PROD, "ops-admin")][1]
    assert flags[_role(SANDBOX, "sandbox-admin")][0] is False  # the Sandbox OU allows only s3 and ec2
    assert "SandboxAllowList (OU Sandbox)" in flags[_role(SANDBOX, "sandbox-admin")][1]
    slr = _role(PROD, "AWSServiceRoleForBackup", "/aws-service-role/backup.amazonaws.com/")
    assert "service-linked" in flags[slr][1]
    entries = driver.read(
        "MATCH (r:PrincipalPermissions {principal_id: $id, latest: true}) "
        "RETURN r.entries AS e, r.guardrails AS g",
        {"id": _role(SANDBOX, "sandbox-admin")},
    )[0]
    assert '"s3:*"' in entries["e"] and '"ec2:*"' in entries["e"] and '"iam:' not in entries["e"]


def _data_hops(roles: list[str]) -> dict[tuple[str, str], tuple[str, str]]:
    g = AttackGraph()
    for rid in roles:
        account = rid.split(":")[4]
        g.node(Node(rid, "AWSRole", rid.rsplit("/", 1)[-1], ["AWSRole", "AWSPrincipal"], account))
    Roles(g).compute()
    return {(s, d): (h.access or "", h.reason) for (s, d, t), h in g.hops.items() if t == "data-access"}


def test_least_privilege_grants_create_narrowed_paths_and_scps_remove_them(loaded: dict[str, Any]) -> None:
    slr = _role(PROD, "AWSServiceRoleForBackup", "/aws-service-role/backup.amazonaws.com/")
    names = [
        "exports-reader",
        "orders-app",
        "payments-app",
        "legacy-secret-reader",
        "restricted-reader",
        "ops-admin",
    ]
    hops = _data_hops([_role(PROD, n) for n in names] + [slr])
    by_role = {(s.rsplit("/", 1)[-1], d.split(":")[-1]): v for (s, d), v in hops.items()}
    access, reason = by_role[("exports-reader", "acme-prod-data")]
    assert access == "read on `exports/*`" and "policy read-exports" in reason
    access, reason = by_role[("orders-app", "orders-db")]
    assert access == "read as `app_user`" and "rds-db:connect" in reason
    access, reason = by_role[("payments-app", "prod/payments/stripe-key-Qm3T9z")]
    assert (
        access == "read"
        and "grant on arn:aws:secretsmanager:us-east-1:222222222222:secret:prod/payments/*" in reason
    )
    # AWS matches secret ARNs with their random suffix: a grant on the bare name reaches nothing.
    assert not [k for k in by_role if k[0] == "legacy-secret-reader"]
    # The Prod SCP denies s3:* on the restricted bucket: the grant is there, the path is not...
    assert ("restricted-reader", "acme-prod-restricted") not in by_role
    assert not [k for k in by_role if k == ("ops-admin", "acme-prod-restricted")]
    # ... except for the service-linked role, which SCPs do not govern.
    assert ("AWSServiceRoleForBackup", "acme-prod-restricted") in by_role
    # The RCP's Deny is for principals outside the organization, DenyRootUser for the root user: both
    # decided for these roles, not left "conditional".
    assert "conditional" not in by_role[("exports-reader", "acme-prod-data")][0]
    assert "within SCPs of o-a1b2c3d4e5" in by_role[("exports-reader", "acme-prod-data")][1]


def test_organizations_not_collected_is_identity_alone_and_said(aws_only: str, tmp_path: Path) -> None:
    copy = tmp_path / "snap"
    shutil.copytree(ROOT, copy)
    shutil.rmtree(copy / "aws" / MGMT / "global" / "organizations")
    report = ingest_snapshot(copy)
    assert report.status == "ok", report.as_json()
    flags = _flags()
    assert flags[_role(PROD, "ops-admin")] == (True, "organizations not collected: identity policies alone")
    assert flags[_role(SANDBOX, "sandbox-admin")][0] is True
    hops = _data_hops([_role(PROD, "restricted-reader")])
    assert [v[0] for v in hops.values()] == ["read"]


def test_guardrail_controls_on_the_handwritten_organization(loaded: dict[str, Any]) -> None:
    from queries.catalogue import load_catalogue
    from queries.runner import latest_target, run_controls

    ids = [
        "organizations_account_only_full_aws_access",
        "organizations_leave_organization_not_denied",
        "organizations_root_user_not_restricted",
        "organizations_scp_policy_type_disabled",
        "organizations_rcp_policy_type_disabled",
    ]
    catalogue = load_catalogue()
    results = {r.control.id: r for r in run_controls([catalogue.get(i) for i in ids], latest_target())}
    failing = {i: sorted(row["asset_id"] for row in results[i].rows) for i in ids}
    assert failing == {
        "organizations_account_only_full_aws_access": [],
        "organizations_leave_organization_not_denied": [],  # DenyLeaveOrganization is on the root
        "organizations_root_user_not_restricted": [SANDBOX],  # DenyRootUser covers Workloads only
        "organizations_scp_policy_type_disabled": [],
        "organizations_rcp_policy_type_disabled": [],
    }
    # the management account is exempt from SCPs: two member accounts evaluated
    assert results["organizations_root_user_not_restricted"].evaluated == 2


PARTNER = "444455556666"


def test_rcp_blocks_cross_account_access_from_outside_the_organization(loaded: dict[str, Any]) -> None:
    sandbox, partner = _role(SANDBOX, "sandbox-reader"), _role(PARTNER, "partner-reader")
    g = AttackGraph()
    for rid in (sandbox, partner):
        g.node(Node(rid, "AWSRole", rid.rsplit("/", 1)[-1], ["AWSRole", "AWSPrincipal"], rid.split(":")[4]))
    Roles(g).compute()
    hops = {(s, d): h for (s, d, t), h in g.hops.items() if t == "data-access"}
    # Both the sandbox role's policy and the bucket policy allow; the perimeter RCP spares org members.
    hop = hops[(sandbox, "acme-prod-shared")]
    assert (
        hop.access == "read"
        and "across accounts" in hop.reason
        and "bucket policy of acme-prod-shared" in hop.reason
    )
    assert "within RCPs of o-a1b2c3d4e5: EnforceOrgIdentities (root Root)" in hop.reason
    # The partner: admitted by the bucket policy, allowed by its own policy, but outside the organization.
    assert (partner, "acme-prod-shared") not in hops
    assert g.cleared[f"{partner} -> acme-prod-shared"] == f"s3:GetObject blocked by the guardrails of {PROD}"


def test_without_organizations_the_partner_reaches_the_shared_bucket(aws_only: str, tmp_path: Path) -> None:
    copy = tmp_path / "snap"
    shutil.copytree(ROOT, copy)
    shutil.rmtree(copy / "aws" / MGMT / "global" / "organizations")
    assert ingest_snapshot(copy).status == "ok"
    partner = _role(PARTNER, "partner-reader")
    g = AttackGraph()
    g.node(Node(partner, "AWSRole", "partner-reader", ["AWSRole", "AWSPrincipal"], PARTNER))
    Roles(g).compute()
    (hop,) = [h for (s, d, t), h in g.hops.items() if t == "data-access"]
    assert (hop.dst, hop.access) == ("acme-prod-shared", "read")


def test_missing_policy_listing_is_incomplete_not_allow_nothing(aws_only: str, tmp_path: Path) -> None:
    copy = tmp_path / "snap"
    shutil.copytree(ROOT, copy)
    (
        copy / "aws" / MGMT / "global" / "organizations" / "list-policies" / "RESOURCE_CONTROL_POLICY.json"
    ).unlink()
    report = ingest_snapshot(copy)
    modules = report.as_json()["modules"]
    (org,) = [m for m in modules if m["name"] == "aws.organizations" and m["scope"] == MGMT]
    assert org["status"] == "partial" and any("RESOURCE_CONTROL_POLICY.json" in e for e in org["errors"])
    # RCPs are enabled but none was collected: identity policies alone, said; never "levels allow nothing".
    admin, note = _flags()[_role(PROD, "ops-admin")]
    assert admin is True
    expected = "organizations incomplete (no RESOURCE_CONTROL_POLICY of root Root collected)"
    assert note == f"{expected}: identity policies alone"
